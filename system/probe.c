/* probe.c - the rows' notes for measurement (probe.h). Not needed to make
 * or read a stream, so not counted in the core's code size. */
#include "probe.h"

int sys_annotate(const sys_ctx *x, mod_note *notes, int cap) {
    int n = 0;
    for (int i = 0; i < SYS_ROWS && n < cap; i++) {
        const mod_ops *ops = sys_table[i].ops;
        if (!x->on[i] || !x->self[i] || !ops->annotate) continue;
        int k = ops->annotate(x->state[i], x->self[i], notes + n, cap - n);
        for (int j = 0; j < k; j++) notes[n + j].row = i;
        n += k;
    }
    return n;
}

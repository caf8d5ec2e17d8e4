/*
 * subcmd.h - entry points of the mdlz subcommands (`mdlz index`, ...).
 * Each takes the arguments after "mdlz" (argv[0] is the subcommand name)
 * and returns the exit status: 0 success, 1 data/IO error, 2 usage error.
 */
#ifndef MDLZ_CLI_SUBCMD_H
#define MDLZ_CLI_SUBCMD_H

int cmd_index(int argc, char **argv);
int cmd_tools(int argc, char **argv);
int cmd_ablate(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_value(int argc, char **argv);
int cmd_select(int argc, char **argv);

#endif

#!/usr/bin/env python3
"""http_server.py - a local HTTP server for the `mdlz index add URL` tests.

Usage: http_server.py DIR PORTFILE

Serves the files of DIR on 127.0.0.1 at a free port, which it writes to
PORTFILE (then serves until killed). Besides plain files (200) and missing
ones (404) it answers:
  /redirect/NAME  302 to /NAME
  /loop           302 to /loop (forever: the client must give up)
  /to?LOCATION    302 to LOCATION as given (e.g. a file:// URL)
  /bigheader      200 with a Content-Length of 1 GiB and no body
"""
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "/" + self.path[len("/redirect/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to?"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/bigheader":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 30))
            self.end_headers()
        else:
            super().do_GET()

    def log_message(self, format, *args):
        pass


def main():
    root, portfile = sys.argv[1], sys.argv[2]
    os.chdir(root)
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()

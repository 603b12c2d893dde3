#!/usr/bin/env python3
"""bighook.py: an HTTP server whose answers are larger than any the sim
takes (`referlab hooks` serves 1 MiB at most). Prints "listening PORT",
then answers every POST with a valid application padded with blanks:
  /length/N[/STATUS]   N bytes, with Content-Length
  /chunked/N[/STATUS]  N bytes in 64 KiB chunks, no length given
STATUS is the answer's status code, 200 when not given. Each request is
logged to stderr ("bighook: "POST /length/N HTTP/1.1" 200 -").
"""
import http.server
import sys

APP = b'[{"verb":"pause","length":1},{"verb":"hangup"}'


def body(n):
    return APP + b' ' * (n - len(APP) - 1) + b']'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _, how, n, *status = self.path.split("/")
        data = body(int(n))
        self.send_response(int(status[0]) if status else 200)
        self.send_header("Content-Type", "application/json")
        if how == "length":
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(data), 65536):
            chunk = data[i:i + 65536]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, fmt, *args):
        sys.stderr.write("bighook: " + fmt % args + "\n")


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print("listening", srv.server_address[1], flush=True)
srv.serve_forever()

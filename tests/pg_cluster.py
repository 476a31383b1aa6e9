#!/usr/bin/env python3
"""A throw-away PostgreSQL cluster for tests, from Debian's postgresql package.

    pg_cluster.py run -- COMMAND...

starts a cluster, runs COMMAND with OMBUD_TEST_PG set to the URL of its
maintenance database, stops the cluster however COMMAND ends (also on
Ctrl-C or SIGTERM) and exits with COMMAND's status.

Cluster() is the same for a test that needs a cluster of its own (to restart
it under running nodes). initdb and pg_ctl run as `nobody` when we are root,
since PostgreSQL refuses to run as root; the data folder and the unix socket
sit in one temporary folder, the TCP port is a free loopback one. fsync is
off: the tests kill servers, never the machine, and a commit still reaches
the operating system before it is acknowledged (synchronous_commit stays on).

test_db_url(base, name) is the URL of database `name` on base's cluster;
create_db(base) makes a fresh one and returns its URL (tests get a database
each, so they run side by side on one cluster).
"""
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

USER = 'ombud'          # the cluster's superuser; trust auth on the socket only


def pg_bin():
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    dirs = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'), key=lambda p: int(p.split('/')[4]))
    if not dirs:
        raise RuntimeError('no PostgreSQL server installed (tools/deps.sh installs postgresql)')
    return os.path.dirname(dirs[-1])


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_db_url(base, name):
    """base: a URL postgresql://USER@/DB?host=...; the same with DB replaced."""
    head, _, query = base.partition('?')
    return '%s/%s?%s' % (head.rsplit('/', 1)[0], name, query)


def create_db(base):
    name = 'ombud_test_' + secrets.token_hex(6)
    query = 'CREATE DATABASE %s' % name
    subprocess.run([os.path.join(pg_bin(), 'psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', base, '-c', query],
                   check=True, capture_output=True, timeout=60)
    return test_db_url(base, name)


def drop_db(url):
    base_url = test_db_url(url, 'postgres')
    name = url.partition('?')[0].rsplit('/', 1)[1]
    subprocess.run([os.path.join(pg_bin(), 'psql'), '-X', '-q', '-d', base_url, '-c',
                    'DROP DATABASE IF EXISTS %s WITH (FORCE)' % name], capture_output=True, timeout=60)


class Cluster:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix='ombud-pg-')
        self.data = os.path.join(self.dir, 'data')
        self.log_path = os.path.join(self.dir, 'server.log')
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam('nobody')
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ['runuser', '-u', 'nobody', '--']
        self.url = 'postgresql://%s@/postgres?host=%s&port=%d' % (USER, self.dir, self.port)
        self._run('initdb', '-D', self.data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8',
                  '--no-sync')
        self.start()

    def _run(self, tool, *args):
        p = subprocess.run([*self.as_user, os.path.join(self.bin, tool), *args], capture_output=True, text=True, cwd=self.dir,
                           timeout=120)
        if p.returncode != 0:
            raise RuntimeError('%s failed (%d): %s%s' % (tool, p.returncode, p.stdout, p.stderr))

    def start(self):
        opts = "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c full_page_writes=off " \
               "-c max_connections=200" % (self.port, self.dir)
        self._run('pg_ctl', '-D', self.data, '-l', self.log_path, '-w', '-t', '60', '-o', opts, 'start')

    def stop(self, mode='fast'):
        self._run('pg_ctl', '-D', self.data, '-w', '-t', '60', '-m', mode, 'stop')

    def destroy(self):
        try:
            self.stop('immediate')
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-4000:]
        except OSError:
            return ''


def run(cmd):
    cluster = Cluster()

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        env = dict(os.environ, OMBUD_TEST_PG=cluster.url)
        print('pg_cluster: PostgreSQL on port %d, socket in %s' % (cluster.port, cluster.dir), flush=True)
        return subprocess.run(cmd, env=env).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        cluster.destroy()


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != 'run' or args[1] != '--':
        sys.exit('usage: pg_cluster.py run -- COMMAND...')
    sys.exit(run(args[2:]))


if __name__ == '__main__':
    main()

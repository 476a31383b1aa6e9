"""The authorization matrix, generated from the routing table (`ombud routes`):
every route x every role, the same role from another organisation, and no
token, each answered as the table declares:
  - a role the route lists, in its own organisation: not 401/403 (an API key
    also needs the route's scope: a key without it gets 403, one with it not);
  - any other role: 403;
  - a listed role of another organisation on an own-organisation route: 403;
  - no token on a non-public route: 401.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# Staff roles and an organisation kind that has each (app/accounts.c).
ROLE_KIND = {
    'agent': 'company', 'practitioner': 'company', 'manager': 'company', 'complaints': 'company',
    'admin': 'company', 'supervisor': 'vendor', 'regulator': 'regulator', 'screener': 'carrier',
    'investigator': 'police', 'telemarketer': 'telemarketer',
}
KIND_ORG = {'company': ('CA', 'CB'), 'vendor': ('VA', 'VB'), 'regulator': ('RA', 'RB'),
            'carrier': ('KA', 'KB'), 'police': ('PA', 'PB'), 'telemarketer': ('TA', 'TB')}


def load_routes():
    out = subprocess.run([harness.BIN, 'routes'], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


class AuthorizationMatrix(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        for role, kind in ROLE_KIND.items():
            own, other = KIND_ORG[kind]
            server.add_user(own, 'a.' + role, role, kind)
            server.add_user(other, 'b.' + role, role, kind)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tokens = {}
        for role, kind in ROLE_KIND.items():
            cls.tokens[role] = (s.login('a.' + role), KIND_ORG[kind][0], s.login('b.' + role))
        key = s.request('POST', '/v1/orgs/CA/api-keys', {'name': 'matrix', 'scopes': 'matrix.all'},
                        token=cls.tokens['admin'][0])
        cls.tokens['machine'] = (key.json['key'], 'CA', None)
        cls.routes = load_routes()

    def path_for(self, route, org):
        path = route['path'].replace('{org}', org)
        while '{' in path:
            start = path.index('{')
            path = path[:start] + '1' + path[path.index('}') + 1:]
        return path

    def call(self, route, token, org):
        body = {} if route['method'] in ('POST', 'PUT', 'PATCH') else None
        return self.server.request(route['method'], self.path_for(route, org), body, token=token)

    def test_every_route_every_role(self):
        checked = 0
        # logout ends the session it is called with, so it runs last
        routes = sorted(self.routes, key=lambda r: r['path'] == '/v1/auth/logout')
        for route in routes:
            for role, (token, own_org, other_token) in self.tokens.items():
                if route['path'] == '/v1/auth/logout' and role != 'machine':
                    token = self.server.login('a.' + role)
                r = self.call(route, token, own_org)
                allowed = route['public'] or (role in route['roles'] and (role != 'machine' or not route['scope']))
                with self.subTest(route=route['method'] + ' ' + route['path'], role=role):
                    if allowed:
                        self.assertNotIn(r.status, (401, 403), r)
                    else:
                        self.assertEqual(r.status, 403, r)
                        self.assertEqual(r.error_code(), 'forbidden', r)
                if other_token and allowed and not route['public'] and route['org'] in ('own', 'served'):
                    r = self.call(route, other_token, own_org)
                    with self.subTest(route=route['path'], role=role, case='other organisation'):
                        self.assertEqual(r.status, 403, r)
                checked += 1
            if route['scope'] and 'machine' in route['roles'] and not route['public']:
                # a key with exactly the route's scope gets through; others got 403 above
                key = self.server.request('POST', '/v1/orgs/CA/api-keys', {'name': 'scoped', 'scopes': route['scope']},
                                          token=self.tokens['admin'][0]).json['key']
                r = self.call(route, key, 'CA')
                with self.subTest(route=route['path'], case='key with its scope'):
                    self.assertNotIn(r.status, (401, 403), r)
            r = self.call(route, None, 'CA')
            with self.subTest(route=route['path'], case='no token'):
                if route['public']:
                    self.assertNotIn(r.status, (401, 403), r)
                else:
                    self.assertEqual(r.status, 401, r)
                    self.assertIsInstance(r.json.get('error'), dict)
        self.assertGreater(checked, len(self.routes) * 10)


if __name__ == '__main__':
    harness.main()

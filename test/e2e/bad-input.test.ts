/**
 * Bad input through HTTP, as a client (or a fuzzer) sends it: every operation that takes a body
 * answers any JSON that is not its input with a 4xx and a machine-readable code, and no header or
 * query name a client picks makes the gateway fail.
 */
import { randomUUID } from 'node:crypto';
import { allRoutes } from '../../functions/routes';
import { accessTokenFor } from '../support/auth';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let token: string;

beforeAll(async () => {
  api = await startOffline();
  token = await accessTokenFor({ roles: ['member', 'seller', 'admin'] });
}, 120_000);

afterAll(() => api.stop());

const junkBodies = [
  'false',
  'true',
  'null',
  '0',
  '""',
  '"x"',
  '[]',
  '[false]',
  '{}',
  '{"a":{"b":[null,{}]}}',
];

/** A path parameter any of the routes' id schemas takes (a UUID is also a catalog id). */
const pathOf = (route: string) => route.replace(/\{[^}]+\}/g, randomUUID());

describe.each(allRoutes.filter((route) => route.body).map((route) => [route.operationId, route] as const))(
  '%s',
  (_id, route) => {
    it('answers every JSON body that is not its input with a 4xx and a code', async () => {
      for (const body of junkBodies) {
        const response = await fetch(`${api.baseUrl}${pathOf(route.path)}`, {
          method: route.method.toUpperCase(),
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `key-${randomUUID()}`,
          },
          body,
        });
        const answer = (await response.json()) as { error?: { code?: string } };
        expect({ body, status: response.status, code: answer.error?.code }).toEqual({
          body,
          status: 400,
          code: expect.stringMatching(/^[a-z_]+$/),
        });
      }
    });
  },
);

it('serves a request whatever header and query names it carries, __proto__ included', async () => {
  const response = await fetch(`${api.baseUrl}/search?q=lamp&__proto__=1`, {
    headers: [
      ['__proto__', '4}'],
      ['constructor', 'x'],
    ],
  });
  // The unknown query parameter is refused by the route's schema, not by a crash.
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  const plain = await fetch(`${api.baseUrl}/search?q=lamp`, { headers: [['__proto__', '4}']] });
  expect(plain.status).toBe(200);
});

/**
 * Every route refuses input it cannot take with a 4xx and a machine-readable code, whatever JSON (or
 * not JSON) arrives: the shared validation, run with each route's own schemas.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { allRoutes } from '../../../functions/routes';
import { ApiError, defineRoute, type Route } from '../../../shared/http';
import type { HttpEvent } from '../../../shared/http/middleware/types';
import { validateInput } from '../../../shared/http/middleware/validate-input';
import { gatewayEvent } from '../../support/http-event';

const junkBodies = [
  'false',
  'true',
  'null',
  '0',
  '-1e309',
  '""',
  '"x"',
  '[]',
  '[{}]',
  '{}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": null}}',
  '{"a": {"b": [null, false, {"c": ""}]}}',
  JSON.stringify({ items: false, payment: null, email: 0, password: [], refreshToken: {} }),
];

/** What validate-input answers for the event: the ApiError it throws, or undefined when it lets it in. */
async function refusal(route: Route, event: Partial<APIGatewayProxyEvent>): Promise<ApiError | undefined> {
  const request = { event: gatewayEvent(event) as HttpEvent } as Parameters<
    NonNullable<ReturnType<typeof validateInput>['before']>
  >[0];
  try {
    await validateInput(route).before?.(request);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

const withBody = allRoutes.filter((route) => route.body !== undefined);

describe('bad input on every route with a body', () => {
  it('covers the routes that take a body', () => {
    expect(withBody.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(['signUp', 'logIn', 'refreshSession', 'logOut', 'placeOrder', 'updateMe']),
    );
  });

  it.each(withBody.map((route) => [route.operationId, route] as const))(
    '%s answers 4xx with a code for any JSON body that is not its input',
    async (_id, route) => {
      for (const body of junkBodies) {
        const error = await refusal(route, {
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect({ body, status: error?.statusCode, code: error?.code }).toEqual({
          body,
          status: expect.any(Number),
          code: expect.stringMatching(/^[a-z_]+$/),
        });
        expect(error?.statusCode).toBeGreaterThanOrEqual(400);
        expect(error?.statusCode).toBeLessThan(500);
      }
    },
  );

  it.each(withBody.map((route) => [route.operationId, route] as const))(
    '%s answers 400 to no body, 415 to a body not sent as JSON, 400 to malformed JSON',
    async (_id, route) => {
      expect((await refusal(route, { body: null }))?.statusCode).toBe(400);
      expect((await refusal(route, { headers: { 'content-type': 'text/plain' }, body: '{}' }))?.code).toBe(
        'unsupported_media_type',
      );
      expect((await refusal(route, { body: 'false' }))?.code).toBe('unsupported_media_type');
      expect(
        (await refusal(route, { headers: { 'content-type': 'application/json' }, body: '{"a":' }))?.code,
      ).toBe('malformed_json');
    },
  );
});

describe('validation', () => {
  const route = defineRoute({
    operationId: 'rules',
    method: 'post',
    path: '/rules',
    summary: 'test route',
    tags: ['test'],
    headers: z.object({ 'idempotency-key': z.string().regex(/^[a-z]{8}$/) }),
    body: z
      .strictObject({ from: z.int(), to: z.int(), name: z.string().max(5) })
      .refine((range) => range.from <= range.to, { path: ['from'], message: 'from must not be after to' }),
    response: z.object({}),
  });
  const event = (body: unknown, key: string | null = 'abcdefgh') => ({
    headers: { 'content-type': 'application/json', ...(key !== null && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

  it('answers 422 rule_violated when the input matches the schema and breaks only a refinement', async () => {
    const error = await refusal(route, event({ from: 2, to: 1, name: 'a' }));
    expect(error).toMatchObject({
      statusCode: 422,
      code: 'rule_violated',
      details: [{ path: 'body.from', message: 'from must not be after to' }],
    });
  });

  it('answers 400 validation_failed when anything does not match the schema', async () => {
    expect(await refusal(route, event({ from: 1, to: 2, name: 'too long' }))).toMatchObject({
      statusCode: 400,
      code: 'validation_failed',
    });
  });

  it('validates the headers the route names, and hands the logic only those', async () => {
    expect(await refusal(route, event({ from: 1, to: 2, name: 'a' }, null))).toMatchObject({
      statusCode: 400,
      details: [{ path: 'headers.idempotency-key' }],
    });
    expect(await refusal(route, event({ from: 1, to: 2, name: 'a' }, 'short'))).toMatchObject({
      statusCode: 400,
    });
    const accepted = gatewayEvent(event({ from: 1, to: 2, name: 'a' })) as HttpEvent;
    await validateInput(route).before?.({ event: accepted } as never);
    expect(accepted.validated?.headers).toEqual({ 'idempotency-key': 'abcdefgh' });
  });
});

/** The OpenAPI document covers every HTTP event of serverless.yml, from the routes the handlers use. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod';
import { allRoutes } from '../../../functions/routes';
import { openApiDocument } from '../../../shared/http/openapi';

interface HttpEvent {
  http?: { method: string; path: string };
}

const serverlessYml = parse(readFileSync(path.join(__dirname, '../../../serverless.yml'), 'utf8'), {
  merge: true,
}) as {
  functions: Record<string, { events?: HttpEvent[] }>;
};

const document = openApiDocument(allRoutes, { title: 'PeakCart API', version: 'test', description: 'test' });

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the shared error schema', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.schemas?.Error).toBeDefined();
  });

  it('documents every http event of serverless.yml', () => {
    const events = Object.values(serverlessYml.functions).flatMap((fn) => fn.events ?? []);
    const httpEvents = events.flatMap((event) => (event.http ? [event.http] : []));
    expect(httpEvents.length).toBeGreaterThan(0);
    for (const { method, path: route } of httpEvents) {
      expect(document.paths?.[route]?.[method.toLowerCase() as 'get']).toBeDefined();
    }
  });

  it('rejects unknown fields in every route input (strict objects)', () => {
    for (const route of allRoutes) {
      for (const schema of [route.params, route.query, route.body]) {
        if (schema === undefined) continue;
        const strict = schema instanceof z.ZodObject && schema.def.catchall?._zod.def.type === 'never';
        expect({ route: route.operationId, strict }).toEqual({ route: route.operationId, strict: true });
      }
    }
  });

  it("documents the spike protections' answers where they can happen", () => {
    const responses = (route: string, method: 'get' | 'post') =>
      Object.keys(document.paths?.[route]?.[method]?.responses ?? {});
    // Search can be limited and shed; placing an order can be limited, never shed.
    expect(responses('/search', 'get')).toEqual(expect.arrayContaining(['429', '503']));
    expect(responses('/orders', 'post')).toContain('429');
    expect(responses('/orders', 'post')).not.toContain('503');
    // The health probe is limited and shed like any standard route; its 503 also says a dependency is down.
    expect(responses('/health', 'get')).toEqual(expect.arrayContaining(['429', '503']));
    expect(document.paths?.['/health']?.get?.responses?.['503']?.description).toMatch(/dependency/);
  });

  it('lists each route once, with a unique operation id', () => {
    const ids = allRoutes.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the constraints and statuses the document states', () => {
  type Operation = {
    parameters?: Array<{ name: string; in: string; required?: boolean; schema: Record<string, unknown> }>;
    requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
    responses: Record<string, unknown>;
  };
  const operation = (route: string, method: string) =>
    (document.paths?.[route] as Record<string, Operation> | undefined)?.[method] as Operation;
  const bodyOf = (route: string, method: string) =>
    operation(route, method).requestBody?.content['application/json'].schema as {
      properties: Record<string, Record<string, unknown>>;
      minProperties?: number;
    };

  it('declares on every operation what the shared layers and the gateway may answer', () => {
    for (const route of allRoutes) {
      const statuses = Object.keys(operation(route.path, route.method).responses);
      expect({ route: route.operationId, statuses }).toEqual({
        route: route.operationId,
        statuses: expect.arrayContaining(['400', '413', '429', '500', '502', '504']),
      });
      if (route.body) expect(statuses).toContain('415');
      if (Array.isArray(route.auth)) expect(statuses).toEqual(expect.arrayContaining(['401', '403']));
      if (route.params && route.notFound !== false) expect(statuses).toContain('404');
    }
    expect(Object.keys(operation('/groups/{groupId}/offers', 'get').responses)).toContain('404');
    expect(Object.keys(operation('/offers/{offerId}', 'put').responses)).not.toContain('404');
  });

  it('declares 422 where a schema has a rule JSON Schema cannot state', () => {
    expect(Object.keys(operation('/members', 'post').responses)).toContain('422');
    expect(Object.keys(operation('/history', 'get').responses)).toContain('422');
    expect(Object.keys(operation('/auth/login', 'post').responses)).not.toContain('422');
  });

  it("states sign-up's email format and password length, and that a profile change changes something", () => {
    const { properties } = bodyOf('/members', 'post');
    expect(properties.email).toMatchObject({
      format: 'email',
      maxLength: 254,
      pattern: z.regexes.email.source,
    });
    expect(properties.password).toMatchObject({ minLength: 10, maxLength: 128 });
    expect(bodyOf('/members/me', 'patch').minProperties).toBe(1);
  });

  it('states the Idempotency-Key header checkout requires, with its format', () => {
    const header = operation('/orders', 'post').parameters?.find((parameter) => parameter.in === 'header');
    expect(header).toMatchObject({
      name: 'idempotency-key',
      required: true,
      schema: { pattern: '^[A-Za-z0-9_.:-]{8,100}$' },
    });
  });

  it('states keyword limits as sent, and patterns any regex engine reads alike (no \\d or \\w)', () => {
    const q = operation('/search', 'get').parameters?.find((parameter) => parameter.name === 'q');
    expect(q?.schema).toMatchObject({ maxLength: 50, pattern: '[^\\s\\ufeff]' });
    const patterns = JSON.stringify(document).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) expect(pattern).not.toMatch(/\\\\[dw]/);
  });
});

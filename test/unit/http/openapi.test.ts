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

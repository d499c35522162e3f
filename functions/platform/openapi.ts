/** GET /openapi.json: the OpenAPI 3.1 document of every route, built once per container. */
import { httpHandler } from '../../shared/http';
import { openApiDocument } from '../../shared/http/openapi';
import { allRoutes } from '../routes';
import { openApiRoute } from './routes';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = httpHandler(openApiRoute, async () => {
  document ??= openApiDocument(allRoutes, {
    title: 'PeakCart API',
    version: '0.1.0',
    description: 'Open-market e-commerce backend: search, checkout, members, history and analytics.',
  });
  return document;
});

/**
 * What the search benchmarks send: `GET /search` as API Gateway hands it to the function
 * (in-process), and as a client sends it under autocannon (over HTTP).
 */
import autocannon from 'autocannon';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The API Gateway event of `GET /search?q=<keyword>`, the `index`-th of a run (one of 1,000 sessions). */
export function searchEvent(keyword: string, index: number): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/search',
    resource: '/search',
    headers: { 'x-session-id': `bench-session-${index % 1_000}` },
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: { q: keyword },
    multiValueQueryStringParameters: { q: [keyword] },
    stageVariables: null,
    isBase64Encoded: false,
    body: null,
    requestContext: { requestId: `bench-${index}` } as APIGatewayProxyEvent['requestContext'],
  };
}

export interface Measured {
  latencies: number[];
  seconds: number;
  failed: number;
}

/** `GET /search` on the server at baseUrl under autocannon for `seconds`, keywords in turn. */
export function searchUnderLoad(
  baseUrl: string,
  connections: number,
  seconds: number,
  keywordAt: (index: number) => string,
): Promise<Measured> {
  let next = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({
              ...request,
              path: `/search?q=${encodeURIComponent(keywordAt(next++))}`,
            }),
          },
        ],
      },
      (error, result) => {
        if (error) reject(error);
        else
          resolve({
            latencies,
            seconds: result.duration,
            failed: result.non2xx + result.errors + result.timeouts,
          });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

import { describe, expect, it } from 'vitest';
import { apiRequestError } from 'holdfast/internal';

/** How a page's reads tell "the API is not there" from "the API said no" (shared/http/gatewayError.ts). */
describe("a failed read: the API's answer or a gateway's", () => {
  it('502 and 504 are a gateway saying the API was not reached, whatever they carry', () => {
    for (const status of [502, 504]) expect(apiRequestError(status, 'http-error').code).toBe('api-unreachable');
    expect(apiRequestError(502, 'internal').code).toBe('api-unreachable');
  });

  it("503 with no API error in it (HAProxy's page once no node is left) is unreachable; the API's own 503 is its refusal, with Retry-After", () => {
    expect(apiRequestError(503, 'http-error', 'The server answered 503.').code).toBe('api-unreachable');
    const shed = apiRequestError(503, 'overloaded', 'The server is busy.', '3');
    expect(shed.code).toBe('api-refused');
    expect(shed.details).toMatchObject({ status: 503, serverCode: 'overloaded', retryAfter: '3' });
  });
});

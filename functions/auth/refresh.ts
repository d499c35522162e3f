/** POST /auth/refresh: a refresh token for new tokens. */
import { httpHandler } from '../../shared/http';
import { refresh } from '../../shared/members/sessions';
import { refreshRoute } from './routes';

export const handler = httpHandler(refreshRoute, async ({ body }) => refresh(body.refreshToken));

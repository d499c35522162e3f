/** POST /members: creates an account. */
import { httpHandler } from '../../shared/http';
import { signUp } from '../../shared/members/accounts';
import { signUpRoute } from './routes';

export const handler = httpHandler(signUpRoute, async ({ body }) => signUp(body));

/**
 * The structured JSON logger every function shares (Powertools). Log lines carry the function and
 * request; request and response bodies are never logged, so no personal data or secret is.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { serviceName } from './infra';

// The level comes from LOG_LEVEL (see shared/infra/resources.json), which Powertools reads itself.
export const logger = new Logger({ serviceName });

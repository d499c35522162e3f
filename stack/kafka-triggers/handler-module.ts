/** Loads a function's handler the way Lambda does: `<module path>.<export name>`, from the repository root. */
import path from 'node:path';
import { HandlerNotFoundError } from './errors';
import type { KafkaHandler } from './types';

/** Imports the module and returns the named export; throws HandlerNotFoundError when it is not a function. */
export async function loadHandler(root: string, handler: string): Promise<KafkaHandler> {
  const separator = handler.lastIndexOf('.');
  if (separator <= 0) throw new HandlerNotFoundError(handler, 'must look like <module path>.<export name>');
  const modulePath = path.resolve(root, handler.slice(0, separator));
  const exportName = handler.slice(separator + 1);
  const loaded: Record<string, unknown> = await import(modulePath);
  const candidate =
    loaded[exportName] ?? (loaded.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof candidate !== 'function')
    throw new HandlerNotFoundError(
      handler,
      `cannot be used: ${modulePath} exports no function "${exportName}"`,
    );
  return candidate as KafkaHandler;
}

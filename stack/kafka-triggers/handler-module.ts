/** Loads a function's handler the way Lambda does: `<module path>.<export name>`, from the repository root. */
import path from 'node:path';
import type { KafkaHandler } from './types';

export async function loadHandler(root: string, handler: string): Promise<KafkaHandler> {
  const separator = handler.lastIndexOf('.');
  if (separator <= 0) throw new Error(`Handler "${handler}" must look like <module path>.<export name>`);
  const modulePath = path.resolve(root, handler.slice(0, separator));
  const exportName = handler.slice(separator + 1);
  const loaded: Record<string, unknown> = await import(modulePath);
  const candidate =
    loaded[exportName] ?? (loaded.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof candidate !== 'function') throw new Error(`${modulePath} exports no function "${exportName}"`);
  return candidate as KafkaHandler;
}

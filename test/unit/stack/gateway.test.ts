/** How the local API Gateway turns a request's headers and query string into the proxy event's maps. */
import { singleAndMulti } from '../../../stack/lambda/gateway';

describe('singleAndMulti', () => {
  it('keeps every name a client sends as an own property, __proto__ and constructor included', () => {
    const { single, multi } = singleAndMulti([
      ['__proto__', '4}'],
      ['constructor', 'x'],
      ['a', '1'],
      ['a', '2'],
    ]);
    expect(Object.getPrototypeOf(single)).toBe(Object.prototype);
    expect(Object.keys(single)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.getOwnPropertyDescriptor(single, '__proto__')?.value).toBe('4}');
    expect(single.a).toBe('2');
    expect(Object.getOwnPropertyDescriptor(multi, '__proto__')?.value).toEqual(['4}']);
    expect(multi.constructor).toEqual(['x']);
    expect(multi.a).toEqual(['1', '2']);
    // The event crosses to the container as JSON: the names survive it.
    expect(JSON.parse(JSON.stringify(single))).toEqual(single);
  });
});

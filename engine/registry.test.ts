import { describe, expect, it } from 'vitest';
import { Registry } from './index';

describe('Registry', () => {
  it('builds a registered type with the config minus its type', () => {
    const registry = new Registry<{ kind: string; size: number }>('model');
    registry.register('mlp', ({ size }: { size: number }) => ({ kind: 'mlp', size }));
    expect(registry.build({ type: 'mlp', size: 3 })).toEqual({ kind: 'mlp', size: 3 });
  });

  it('passes only the options, not the type', () => {
    const registry = new Registry('opts');
    registry.register('echo', (options) => options);
    expect(registry.build({ type: 'echo', a: 1, b: 'x' })).toEqual({ a: 1, b: 'x' });
  });

  it('lists the known types when the type is unknown', () => {
    const registry = new Registry('optimizer');
    registry.register('sgd', () => 1);
    registry.register('adam', () => 2);
    expect(() => registry.build({ type: 'rmsprop' })).toThrow("optimizer registry: unknown type 'rmsprop'; known types: 'sgd', 'adam'");
  });

  it('says so when nothing is registered', () => {
    expect(() => new Registry('empty').build({ type: 'x' })).toThrow('(none registered)');
  });

  it('refuses to register a type twice', () => {
    const registry = new Registry('model');
    registry.register('mlp', () => 1);
    expect(() => registry.register('mlp', () => 2)).toThrow("model registry: 'mlp' is already registered");
    expect(registry.build({ type: 'mlp' })).toBe(1);
  });

  it('refuses a factory that is not a function', () => {
    expect(() => new Registry('r').register('x', 42 as never)).toThrow('must be a function');
  });

  it('lists its types and prints them', () => {
    const registry = new Registry('act');
    registry.register('relu', () => 'relu');
    expect(registry.types()).toEqual(['relu']);
    expect(registry.has('relu')).toBe(true);
    expect(String(registry)).toBe("Registry('act', ['relu'])");
  });
});

/**
 * A registry of named factories, for building objects from configs:
 *
 *   const models = new Registry<nn.Module>('model');
 *   models.register('mlp', ({ hidden }) => new nn.Sequential(...));
 *   const model = models.build({ type: 'mlp', hidden: 64 });
 *
 * Registering a type twice is an error, and so is building an unknown type (the message lists the
 * known ones).
 */
import { fail } from './core/errors';

/** The options a factory receives: the config without its `type`. */
export type RegistryOptions = Record<string, unknown>;

/** A registry of named factories, for building objects from configs: `register(type, factory)`, then `build({ type, ...options })`. */
export class Registry<T = unknown> {
  private readonly factories = new Map<string, (options: RegistryOptions) => T>();

  constructor(readonly name: string) {}

  /** Adds a factory under `type` and returns it, so a registration can wrap a definition. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a factory may take any options type of its own
  register<F extends (options: any) => T>(type: string, factory: F): F {
    if (typeof type !== 'string' || type === '') fail(`${this.name} registry`, `a type must be a non-empty string, got ${String(type)}`);
    if (typeof factory !== 'function') fail(`${this.name} registry`, `the factory for '${type}' must be a function`);
    if (this.factories.has(type)) fail(`${this.name} registry`, `'${type}' is already registered`);
    this.factories.set(type, factory);
    return factory;
  }

  /** Calls the factory registered under `config.type` with the rest of the config. */
  build(config: { type: string } & RegistryOptions): T {
    const { type, ...options } = config ?? ({} as { type: string });
    const factory = this.factories.get(type);
    if (!factory) {
      const known = this.types();
      const list = known.length ? known.map((t) => `'${t}'`).join(', ') : '(none registered)';
      if (type === undefined)
        fail(`${this.name} registry`, `the config has no 'type' (got keys: ${Object.keys(options).join(', ') || 'none'}); known types: ${list}`);
      fail(`${this.name} registry`, `unknown type '${String(type)}'; known types: ${list}`);
    }
    return factory(options);
  }

  /** Whether a factory is registered under `type`. */
  has(type: string): boolean {
    return this.factories.has(type);
  }

  /** The registered types, in registration order. */
  types(): string[] {
    return [...this.factories.keys()];
  }

  /** `Registry('name', ['type', ...])`. */
  toString(): string {
    return `Registry('${this.name}', [${this.types()
      .map((t) => `'${t}'`)
      .join(', ')}])`;
  }
}

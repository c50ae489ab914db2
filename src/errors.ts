/**
 * Typed errors shared by the library and the CLI. Each message says what was expected and what
 * was found, so the CLI can print `error.message` as is and exit non-zero.
 */
export class LiederivError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or array argument of the wrong shape, dtype or value range. */
export class InputError extends LiederivError {
  constructor(message: string) {
    super(message, 'E_INPUT');
  }
}

/** A name (group, backend, reduction, difference, layer...) that is not one of the valid ones. */
export class UnknownNameError extends LiederivError {
  constructor(
    readonly what: string,
    readonly given: string,
    readonly valid: readonly string[],
  ) {
    super(`unknown ${what} '${given}'; valid: ${valid.join(', ')}`, 'E_UNKNOWN_NAME');
  }
}

/** A file that is missing, truncated or not in the expected format. */
export class FileFormatError extends LiederivError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`, 'E_FILE');
  }
}

/**
 * A `--model` path that is not a TF.js model.json: another format (Keras .h5 / .keras, SavedModel,
 * TF-Hub, ONNX, TFLite, PyTorch, a frozen graph), a folder with none or several model.json below
 * it, or a path that does not exist. `format` names what was found; the message gives the command
 * that converts it (src/models/formats.ts).
 */
export class ModelFormatError extends FileFormatError {
  constructor(
    path: string,
    readonly format: string,
    message: string,
  ) {
    super(path, message);
  }
}

/** A layer or op that has no forward-mode JVP rule. */
export class UnsupportedLayerError extends LiederivError {
  constructor(
    readonly layerName: string,
    readonly className: string,
    readonly supported: readonly string[],
    /** Kept so a caller can rebuild the error with checked fallbacks (methodSupport.fallbackText). */
    readonly kind: 'layer' | 'op' = 'layer',
    /** What to do instead; the default names lee/lieDerivative's engines. */
    fallbacks = `Fallbacks: method: 'double-vjp' (where the backend has backward kernels) or method: 'fd' (finite differences, any black box).`,
  ) {
    super(
      `no forward-mode JVP rule for ${kind} '${layerName}' (${kind === 'layer' ? 'class' : 'op'} ${className}). ` +
        `${fallbacks} Supported ${kind === 'layer' ? 'classes' : 'ops'}: ${[...supported].sort().join(', ')}`,
      'E_UNSUPPORTED',
    );
  }
}

/** A computation produced NaN or Inf where finite numbers were expected. */
export class NumericalError extends LiederivError {
  /** The first image whose result is not finite, where known (lets the CLI add a diagnosis). */
  constructor(
    message: string,
    readonly image?: number,
  ) {
    super(message, 'E_NUMERIC');
  }
}

/** Throws UnknownNameError unless `given` is one of `valid`; narrows the type. */
export function checkName<T extends string>(what: string, given: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(given)) throw new UnknownNameError(what, given, valid);
  return given as T;
}

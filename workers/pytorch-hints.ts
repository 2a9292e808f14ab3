// Wick's hints for PyTorch habits that do not carry over to TypeScript, in one table read in two
// places: the editor appends them to the TypeScript service's diagnostics (app/editor/
// cell-diagnostics.ts), and the kernel to the run-time error a cell shows (error-report.ts).

interface Habit {
  /** Matches a TypeScript diagnostic's message about the habit (its code when given too). */
  editor: RegExp;
  /** TypeScript diagnostic codes the editor pattern applies to; any when absent. */
  codes?: readonly number[];
  /** Matches the JavaScript error the habit raises when the cell runs. */
  runtime: RegExp;
  hint: string;
}

const HABITS: readonly Habit[] = [
  {
    editor: /Property 'no_grad' does not exist/,
    runtime: /\bno_grad is not a function/,
    hint: 'Wick: use torch.noGrad(() => ...) — it runs the function without recording gradients.',
  },
  {
    editor: /Property 'long' does not exist on type 'Tensor'/,
    runtime: /\.long is not a function/,
    hint: 'Wick has no int64: use x.int() (int32).',
  },
  {
    editor: /can't be used to index type 'Tensor'|Property '\d+' does not exist on type 'Tensor'/,
    codes: [7053, 2339],
    // `x[0]` is undefined on a tensor, so the error comes at the next step.
    runtime: /Cannot read properties of undefined \(reading '(?:item|shape|tolist|index|select)'\)|undefined is not an object/,
    hint: "Wick: a tensor has no [] indexing — use x.index('0') (or x.select(0, 0)), as PyTorch's x[0].",
  },
];

/** The hint for a TypeScript diagnostic in a cell, or null. */
export function editorHint(message: string, code?: number): string | null {
  const habit = HABITS.find((h) => h.editor.test(message) && (code === undefined || !h.codes || h.codes.includes(code)));
  return habit?.hint ?? null;
}

/** The hint for an error a cell raised while it ran, or null. */
export function runtimeHint(message: string): string | null {
  return HABITS.find((h) => h.runtime.test(message))?.hint ?? null;
}

/** `message` with its hint on a line of its own (unchanged when it has none, or has it already). */
export function withHint(message: string, hint: string | null): string {
  return hint && !message.includes(hint) ? `${message}\n${hint}` : message;
}

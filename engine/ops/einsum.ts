/**
 * torch.einsum: the equation is parsed into labels per operand; repeated labels in one operand
 * take a diagonal, labels no one else needs are summed at once, and two operands contract by
 * permutes, reshapes and one batched matmul (more operands contract left to right).
 */
import { isFloating } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import type { Tensor } from '../tensor';
import { eye } from './creation';
import { reduce } from './reduce';
import { matmul } from './linalg';
import { assertLive, commonDevice } from './make';
import { expand, permute, reshape } from './views';

const OP = 'einsum';
/** Labels: letters are their char codes; the k-th ellipsis dim (counted from the right) is -1 - k. */
type Label = number;

interface Term {
  labels: Label[];
  text: string;
}

const isLetter = (c: string) => /^[a-zA-Z]$/.test(c);

/** One side's subscripts ('ij', '...ij', 'b...') as labels, the ellipsis expanded to `ellipsisDims` dims. */
function parseTerm(text: string, where: string): { letters: string[]; ellipsisAt: number } {
  const letters: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < text.length;) {
    if (text.startsWith('...', i)) {
      if (ellipsisAt >= 0) fail(OP, `${where} '${text}' has more than one ellipsis ('...')`);
      ellipsisAt = letters.length;
      i += 3;
    } else if (isLetter(text[i])) {
      letters.push(text[i]);
      i++;
    } else {
      fail(OP, `${where} '${text}' has an invalid character '${text[i]}' (subscripts are letters a-z, A-Z and '...')`);
    }
  }
  return { letters, ellipsisAt };
}

function expandTerm(letters: string[], ellipsisAt: number, ellipsisDims: number): Label[] {
  const codes = letters.map((c) => c.charCodeAt(0));
  if (ellipsisAt < 0) return codes;
  const ell = Array.from({ length: ellipsisDims }, (_, k) => -ellipsisDims + k);
  return [...codes.slice(0, ellipsisAt), ...ell, ...codes.slice(ellipsisAt)];
}

function labelName(l: Label): string {
  return l >= 0 ? `'${String.fromCharCode(l)}'` : `ellipsis dim ${l}`;
}

/** Removes repeated labels of one operand by taking the diagonal (x * eye, summed over the second occurrence). */
function takeDiagonals(x: Tensor, labels: Label[], index: number): { x: Tensor; labels: Label[] } {
  for (;;) {
    const j = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (j < 0) return { x, labels };
    const i = labels.indexOf(labels[j]);
    const n = x.shape[i];
    if (x.shape[j] !== n)
      fail(OP, `subscript ${labelName(labels[i])} is repeated in operand ${index} for dimensions of different sizes ${x.shape[i]} and ${x.shape[j]}`);
    const mask = reshape(
      eye(n, n, { device: x.device, dtype: x.dtype }),
      x.shape.map((s, k) => (k === i || k === j ? s : 1)),
    );
    x = reduce('sum', x.mul(mask), [j], false);
    labels = labels.filter((_, k) => k !== j);
  }
}

/** Sums out labels of `x` that are not in `keep`. */
function sumOut(x: Tensor, labels: Label[], keep: Set<Label>): { x: Tensor; labels: Label[] } {
  const dims = labels.flatMap((l, k) => (keep.has(l) ? [] : [k]));
  if (dims.length === 0) return { x, labels };
  return { x: reduce('sum', x, dims, false), labels: labels.filter((l) => keep.has(l)) };
}

/** Contracts two operands: batch labels (in both, kept), contracted (in both, not kept), and each side's own, by one batched matmul. */
function contract(a: Tensor, la: Label[], b: Tensor, lb: Label[], keep: Set<Label>): { x: Tensor; labels: Label[] } {
  const size = new Map<Label, number>();
  la.forEach((l, k) => size.set(l, a.shape[k]));
  lb.forEach((l, k) => size.set(l, Math.max(size.get(l) ?? 1, b.shape[k])));
  const batch = la.filter((l) => lb.includes(l) && keep.has(l));
  const summed = la.filter((l) => lb.includes(l) && !keep.has(l));
  const left = la.filter((l) => !lb.includes(l));
  const right = lb.filter((l) => !la.includes(l));
  const prod = (ls: Label[]) => ls.reduce((p, l) => p * size.get(l)!, 1);
  const arrange = (x: Tensor, labels: Label[], order: Label[], shape: number[]) => {
    const moved = permute(
      x,
      order.map((l) => labels.indexOf(l)),
    );
    return reshape(
      expand(
        moved,
        order.map((l) => size.get(l)!),
      ),
      shape,
    );
  };
  const A = arrange(a, la, [...batch, ...left, ...summed], [prod(batch), prod(left), prod(summed)]);
  const B = arrange(b, lb, [...batch, ...summed, ...right], [prod(batch), prod(summed), prod(right)]);
  const labels = [...batch, ...left, ...right];
  // Integer operands have no matmul kernel: multiply broadcast and sum the contracted dim instead.
  const product = isFloating(A.dtype) ? matmul(A, B) : reduce('sum', A.unsqueeze(3).mul(B.unsqueeze(1)), [2], false);
  return {
    x: reshape(
      product,
      labels.map((l) => size.get(l)!),
    ),
    labels,
  };
}

/** Sums products of the operands' elements over the indices the equation names (PyTorch's einsum). */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== 'string') fail(OP, `the first argument must be the equation string, got ${typeof equation}`);
  const xs = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  xs.forEach((x, i) => {
    if (typeof x !== 'object' || x === null || typeof (x as Tensor).shape !== 'object') fail(OP, `operand ${i} is not a tensor`);
  });
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.split('->');
  if (arrow.length > 2) fail(OP, `equation '${equation}' has more than one '->'`);
  const lhs = arrow[0].split(',');
  if (lhs.length !== xs.length)
    fail(
      OP,
      `equation '${equation}' has ${lhs.length} operand${lhs.length === 1 ? '' : 's'} but ${xs.length} tensor${xs.length === 1 ? ' was' : 's were'} given`,
    );
  if (xs.length === 0) fail(OP, 'expected at least one operand');
  assertLive(OP, xs);
  commonDevice(OP, xs);
  // Parse each operand; the ellipsis covers the dims the letters leave.
  let ellipsisDims = 0;
  const terms: Term[] = lhs.map((text, i) => {
    const { letters, ellipsisAt } = parseTerm(text, `operand ${i}`);
    const x = xs[i];
    if (ellipsisAt < 0 ? letters.length !== x.ndim : letters.length > x.ndim)
      fail(
        OP,
        `operand ${i} has ${letters.length} subscript${letters.length === 1 ? '' : 's'} ('${text}') but ${x.ndim} dimension${x.ndim === 1 ? '' : 's'} (shape ${fmtShape(x.shape)})`,
      );
    const dims = ellipsisAt < 0 ? 0 : x.ndim - letters.length;
    ellipsisDims = Math.max(ellipsisDims, dims);
    return { labels: expandTerm(letters, ellipsisAt, dims), text };
  });
  // Sizes: one per label; 1 broadcasts against any size.
  const sizes = new Map<Label, { size: number; operand: number }>();
  terms.forEach((term, i) =>
    term.labels.forEach((l, k) => {
      const s = xs[i].shape[k];
      const seen = sizes.get(l);
      if (seen && seen.size !== s && seen.size !== 1 && s !== 1)
        fail(OP, `subscript ${labelName(l)} has size ${seen.size} in operand ${seen.operand} but size ${s} in operand ${i}`);
      if (!seen || seen.size === 1) sizes.set(l, { size: s, operand: i });
    }),
  );
  // Output labels: explicit, or (implicit) the ellipsis then the letters used once, alphabetically (upper case first).
  let out: Label[];
  if (arrow.length === 2) {
    const { letters, ellipsisAt } = parseTerm(arrow[1], 'output');
    letters.forEach((c, k) => {
      if (letters.indexOf(c) !== k) fail(OP, `output subscript '${c}' appears more than once in '${arrow[1]}'`);
      if (!sizes.has(c.charCodeAt(0))) fail(OP, `output subscript '${c}' does not appear in any operand`);
    });
    out = expandTerm(letters, ellipsisAt, ellipsisDims);
  } else {
    const counts = new Map<Label, number>();
    terms.forEach((t) => t.labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1)));
    const once = [...counts].filter(([l, c]) => l >= 0 && c === 1).map(([l]) => l);
    out = [...expandTerm([], 0, ellipsisDims), ...once.sort((p, q) => p - q)];
  }
  // Diagonals, then sums of labels needed by no one else, then contractions left to right.
  const ops = terms.map((t, i) => takeDiagonals(xs[i], t.labels, i));
  const needed = (from: number) => new Set<Label>([...out, ...ops.slice(from).flatMap((o) => o.labels)]);
  let acc = sumOut(ops[0].x, ops[0].labels, new Set([...out, ...ops.slice(1).flatMap((o) => o.labels)]));
  for (let i = 1; i < ops.length; i++) {
    const keep = needed(i + 1);
    const rhs = sumOut(ops[i].x, ops[i].labels, new Set([...keep, ...acc.labels]));
    acc = contract(acc.x, acc.labels, rhs.x, rhs.labels, keep);
  }
  acc = sumOut(acc.x, acc.labels, new Set(out));
  // Labels of size 1 broadcast in a single operand leave no trace; expand them to the output's sizes.
  const order = out.map((l) => acc.labels.indexOf(l));
  const result = order.every((k, i) => k === i) ? acc.x : permute(acc.x, order);
  const shape = out.map((l) => sizes.get(l)!.size);
  return shape.every((s, i) => s === result.shape[i]) ? result : expand(result, shape);
}

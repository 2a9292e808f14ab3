// The notebook a first visit opens with.
import { newCellId } from './cell-id';
import type { AuthoredCell } from './notebook-slice';

const INTRO = `# Welcome to Wick

Wick is a notebook for tensors: write **TypeScript** in code cells against a PyTorch-style
engine that runs on your GPU through **WebGPU**, right in the browser.

- \`torch\`, \`nn\`, \`F\` and \`optim\` are in scope without imports.
- **Shift+Enter** runs a cell and moves to the next one; **Run all** runs them all.
- Names declared at the top level of a cell are visible to the cells below it.`;

export function initialCells(): AuthoredCell[] {
  return [
    { id: newCellId(), type: 'markdown', source: INTRO },
    { id: newCellId(), type: 'code', source: 'const x = torch.tensor([[1.5, 2], [3, 4]]);\nconsole.log("x has shape", x.shape);' },
    { id: newCellId(), type: 'code', source: 'x.matmul(torch.ones([2, 1]))' },
  ];
}

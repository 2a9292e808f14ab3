import { Cell } from './components/Cell';
import { Notice } from './components/Notice';
import { Toolbar } from './components/Toolbar';
import { useWick } from './store';

export function App() {
  const cells = useWick((s) => s.cells);
  return (
    <div className="app">
      <Toolbar />
      <main className="notebook" aria-label="Notebook cells">
        <Notice />
        {cells.map((cell) => (
          <Cell key={cell.id} cell={cell} />
        ))}
        {cells.length === 0 && <p className="empty-notebook">This notebook is empty: add a code or markdown cell.</p>}
      </main>
    </div>
  );
}

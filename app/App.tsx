import { useEffect } from 'react';
import { installCommandModeKeys } from './commands/keyboard';
import { Cell } from './components/Cell';
import { CommandPalette } from './components/CommandPalette';
import { FileDrop } from './components/FileDrop';
import { Notice } from './components/Notice';
import { RestartConfirm } from './components/RestartConfirm';
import { OriginBanner } from './components/OriginBanner';
import { SidePanel } from './components/SidePanel';
import { StartPage } from './components/StartPage';
import { Toolbar } from './components/Toolbar';
import { usePanels } from './panels/panels-store';
import { startStaleTracker } from './panels/stale-tracker';
import { applyTheme } from './theme';
import { useWick } from './store';

export function App() {
  const cells = useWick((s) => s.cells);
  const theme = useWick((s) => s.theme);
  const side = usePanels((s) => s.side);
  useEffect(installCommandModeKeys, []);
  useEffect(startStaleTracker, []);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <div className={side ? 'app side-open' : 'app'}>
      <Toolbar />
      <main className="notebook" aria-label="Notebook cells">
        <OriginBanner />
        <RestartConfirm />
        <Notice />
        {cells.map((cell, index) => (
          <Cell key={cell.id} cell={cell} index={index} />
        ))}
        {cells.length === 0 && <p className="empty-notebook">This notebook is empty: add a code or markdown cell.</p>}
      </main>
      <SidePanel />
      <CommandPalette />
      <FileDrop />
      <StartPage />
    </div>
  );
}

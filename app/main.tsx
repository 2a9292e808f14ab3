import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { kernelSession } from './kernel/kernel-session';
import { startAutosave } from './notebook/autosave';
import { openInitialNotebook, openLinksOnHashChange } from './notebook/open-notebook';
import { registerServiceWorker } from './service-worker-registration';
import { useWick } from './store';
import { savedTheme } from './theme';
import './styles/index.css';

const theme = savedTheme();
if (theme) useWick.getState().setTheme(theme);
kernelSession.start();
registerServiceWorker();

// The notebook to show (share link, ?open=, or the autosave) comes first, then the page and autosave.
void openInitialNotebook().finally(() => {
  startAutosave();
  openLinksOnHashChange();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});

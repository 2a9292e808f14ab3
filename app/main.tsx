import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { kernelSession } from './kernel/kernel-session';
import './styles.css';

kernelSession.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

/**
 * The status page's shell: the login form while the browser holds no accepted token, else the navigation and
 * the page the URL's hash names (`#/components`, …; the overview by default).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { AppsPage } from './apps-page.tsx';
import { ComponentsPage } from './components-page.tsx';
import { DiagnosticsPage } from './diagnostics-page.tsx';
import { LoginForm } from './login-form.tsx';
import { NodesPage } from './nodes-page.tsx';
import { OverviewPage } from './overview-page.tsx';
import { session } from './session.ts';
import './styles.css';

const PAGES: { path: string; title: string; page: () => JSX.Element }[] = [
  { path: 'overview', title: 'Overview', page: OverviewPage },
  { path: 'components', title: 'Components', page: ComponentsPage },
  { path: 'nodes', title: 'Nodes', page: NodesPage },
  { path: 'apps', title: 'Apps', page: AppsPage },
  { path: 'diagnostics', title: 'Diagnostics', page: DiagnosticsPage },
];

const currentPath = () => location.hash.replace(/^#\/?/, '') || 'overview';

function App() {
  const [state, setState] = useState(session.state);
  const [path, setPath] = useState(currentPath());
  useEffect(() => session.subscribe(setState), []);
  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const page = PAGES.find((p) => p.path === path) ?? PAGES[0]!;
  useEffect(() => void (document.title = `${page.title} · minidc status`), [page]);
  if (state === 'out') return <LoginForm />;
  const Page = page.page;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">minidc</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <button type="button" class="logout" onClick={() => session.logout()}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page key={page.path} />
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
// The "Loading…" placeholder goes: render adds to a container's children rather than replacing them.
root.textContent = '';
render(<App />, root);

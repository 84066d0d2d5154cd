// The browser app: a header with the views and the stream's freshness, and the current route's view.
import { render } from "preact";
import "./app.css";
import { connectStream } from "./event-stream.ts";
import { ExecutionView } from "./execution-view.tsx";
import { ExecutionsView } from "./executions-view.tsx";
import { Freshness, StaleBanner } from "./freshness.tsx";
import { FunctionsView } from "./functions-view.tsx";
import { link, location, routeOf } from "./router.ts";
import { SchedulesView } from "./schedules-view.tsx";
import { StartView } from "./start-view.tsx";

const nav = [
  ["/executions", "Executions", "executions"],
  ["/start", "Start", "start"],
  ["/functions", "Functions", "functions"],
  ["/schedules", "Schedules", "schedules"],
] as const;

function App() {
  const route = routeOf(location.value);
  const current = route.view === "execution" ? "executions" : route.view;
  return (
    <>
      <header class="top">
        <span class="brand">Kontinue</span>
        <nav aria-label="Views">
          {nav.map(([path, label, view]) => (
            <a key={path} href={path} onClick={link(path)} aria-current={current === view ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <Freshness />
      </header>
      <StaleBanner />
      <main>
        {route.view === "executions" && <ExecutionsView />}
        {route.view === "execution" && <ExecutionView key={route.name} name={route.name} />}
        {route.view === "start" && <StartView />}
        {route.view === "functions" && <FunctionsView />}
        {route.view === "schedules" && <SchedulesView />}
      </main>
    </>
  );
}

if (new URL(window.location.href).searchParams.has("token")) {
  // The token now sits in an HttpOnly cookie; keep it out of the address bar and the history.
  const url = new URL(window.location.href);
  url.searchParams.delete("token");
  history.replaceState(null, "", url);
  location.value = url;
}
connectStream();
render(<App />, document.getElementById("app")!);

// Entry point: signs in from a `#token=` link if there is one, then renders the app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { takeTokenFromUrl } from "./auth/session";
import "./styles.css";

takeTokenFromUrl(window.location, window.history);
// A sign-in link opened in a tab that already shows the app only changes the fragment.
window.addEventListener("hashchange", () => takeTokenFromUrl(window.location, window.history));

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

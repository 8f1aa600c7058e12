import { useEffect, useState } from "react";

/**
 * Whether the page is dark: a "dark"/"light" class on <html> (the header's theme switch) wins over the
 * operating system's preference, as in tailwind.config.ts. Monaco and the tree need to be told.
 */
export function useDarkMode(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const root = document.documentElement;
    const update = () => setDark(root.classList.contains("dark") || (!root.classList.contains("light") && media.matches));
    update();
    media.addEventListener("change", update);
    const observer = new MutationObserver(update);
    observer.observe(root, { attributes: true, attributeFilter: ["class"] });
    return () => {
      media.removeEventListener("change", update);
      observer.disconnect();
    };
  }, []);
  return dark;
}

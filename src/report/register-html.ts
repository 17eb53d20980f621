/** Puts the HTML reporter in the registry (kept apart so the registry does not import the page code). */
import { htmlReporter } from './html.ts';
import { registerReporter } from './index.ts';

registerReporter(htmlReporter);

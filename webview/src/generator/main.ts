/**
 * The generator form: entry point of dist/webview/generator.js (src/extension/generatorPanel.ts
 * serves it under the same CSP as the topology panel).
 */
// First: must run before the control library evaluates (see cspGuard.ts).
import '../cspGuard';
import '../styles.css';
import './generator.css';
import { GeneratorApp } from './generatorApp';

new GeneratorApp(document.getElementById('app') ?? document.body);

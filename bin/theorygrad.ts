/**
 * The `theorygrad` command: `npm start` runs `theorygrad reproduce`; see src/reproduce/.
 *
 *   npx theorygrad reproduce [slug…] [--quick] [--jobs N] [--force]
 *   npx theorygrad data [name…] [--check]
 *   npx theorygrad doctor
 *   npx theorygrad kernel plan|tile|merge|status|enqueue|worker [flags]
 */
import { runCommand } from '../src/report/index.ts';
import { theorygrad } from '../src/reproduce/index.ts';

await runCommand('theorygrad', theorygrad);

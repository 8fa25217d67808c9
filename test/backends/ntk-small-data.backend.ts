/** papers/ntk-small-data.ts --quick on cpu and on gpujs: the same claims table (test/backends/papers.ts). */
import { specs } from './papers.ts';
import { agreementSuite } from './suite.ts';

agreementSuite(specs['ntk-small-data']);

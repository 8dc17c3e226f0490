/** Worker thread of stacks/synthesize.ts: claims and synthesizes batches of plans. */
import "../runtime/preload.ts";
import { parentPort, workerData } from "node:worker_threads";
import { synthesizeClaimed, type WorkerInput } from "./synthesize.ts";

parentPort!.postMessage(synthesizeClaimed(workerData as WorkerInput));

// Child tasks of `spawn` and the `parallel` forms: deterministic ids,
// inline-subtask contexts, buffered output handed to whoever joins them,
// and bounded fan-out (`max_concurrent`).

import type { Task } from "../../vm/task.ts";
import { TaskState } from "../../vm/task.ts";
import type { Closure, Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

/** Starts `closure(args)` as a child of `parent` with a deterministic identity. */
export function startChild(
  vm: Vm,
  parent: Task,
  closure: Closure,
  args: Value[],
  name: string,
  id: string,
  groupId: string | null,
): Task {
  const child = vm.createTask(closure, args, parent.ctx.forInlineSubtask(), name, parent);
  child.identity = { id, name, parentId: parent.identity.id, rootId: parent.identity.rootId, groupId };
  child.output = [];
  vm.scheduler.enqueue(child);
  return child;
}

/** Waits for `child` and hands its output to `into`; resolves to its result. */
export function joinTask(vm: Vm, child: Task, into: Task): Promise<Value> {
  return new Promise((resolve, reject) => {
    const done = (t: Task): void => {
      vm.adoptOutput(t, into);
      if (t.error) reject(t.error);
      else resolve(t.result);
    };
    if (child.state === TaskState.Done) done(child);
    else child.onDone.push(done);
  });
}

/** Runs one child per item with at most `limit` in flight; settles with every child, in item order. */
export function runCapped(
  vm: Vm,
  parent: Task,
  closure: Closure,
  items: Value[],
  limit: number,
  name: string,
  groupKind: string,
  onStart?: (child: Task) => void,
): Promise<Task[]> {
  const groupId = `${parent.identity.id}:${groupKind}:${++parent.groupCounter}`;
  const children: Task[] = new Array(items.length);
  return new Promise((resolve) => {
    let next = 0;
    let finished = 0;
    const launch = (): void => {
      const i = next++;
      const child = startChild(vm, parent, closure, [items[i]!], name, `${groupId}:${i}`, groupId);
      children[i] = child;
      onStart?.(child);
      child.onDone.push(() => {
        finished++;
        if (next < items.length) launch();
        else if (finished === items.length) resolve(children);
      });
    };
    if (items.length === 0) resolve(children);
    while (next < items.length && next < limit) launch();
  });
}

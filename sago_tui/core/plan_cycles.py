"""Finding dependency cycles, each reported once with its members in order.

Strongly connected components (Tarjan's algorithm, iterative so a long chain
cannot hit the recursion limit) find every task caught in a cycle in linear
time; one shortest cycle through each component's smallest id is then shown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from sago_tui.core.plan import task_id_key


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


def _shortest_cycle(start: str, graph: dict[str, set[str]], members: set[str]) -> list[str]:
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & members, key=task_id_key):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [start, start]  # not reached: every member of a component lies on a cycle


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of ``graph`` (node -> nodes it depends on),
    e.g. ``["1.1", "1.2", "1.1"]``; every edge target must be a key. Sorted by first id."""
    cycles: list[list[str]] = []
    for component in _components(graph):
        if len(component) < 2:
            continue  # self-loops are reported as "depends on itself"
        members = set(component)
        start = min(component, key=task_id_key)
        cycles.append(_shortest_cycle(start, graph, members))
    return sorted(cycles, key=lambda cycle: task_id_key(cycle[0]))

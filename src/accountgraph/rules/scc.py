"""Strongly connected components of a graph of numbered nodes, without recursion."""

from __future__ import annotations

from collections.abc import Sequence


def strongly_connected(adjacency: Sequence[Sequence[int]]) -> list[list[int]]:
    """The strongly connected components of the graph whose node ``n`` has edges to
    ``adjacency[n]`` (Tarjan's algorithm, with a stack of its own instead of recursion)."""
    count = len(adjacency)
    order = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            node, next_edge = work[-1]
            neighbours = adjacency[node]
            if next_edge < len(neighbours):
                work[-1] = (node, next_edge + 1)
                neighbour = neighbours[next_edge]
                if order[neighbour] == -1:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append(neighbour)
                    on_stack[neighbour] = True
                    work.append((neighbour, 0))
                elif on_stack[neighbour] and order[neighbour] < low[node]:
                    low[node] = order[neighbour]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == order[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components

// The scenarios of CPython's Lib/test/test_asyncio/test_tools.py, as Snapshots; expectations are
// the reference's own output for them (tables printed as `python -m asyncio ps` prints them).
#include "render_case.hpp"

namespace aps::render::test {

std::vector<RenderCase> tools_py_cases() {
    return {
        {"TimerAwaitedFromTwoTaskGroups",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-1")
             .task(0x3, "timer")
             .awaited_by(
                 0x4, {F{"awaiter3", "/path/to/app.py", 130}, F{"awaiter2", "/path/to/app.py", 120},
                       F{"awaiter", "/path/to/app.py", 110}})
             .awaited_by(0x5, {F{"awaiterB3", "/path/to/app.py", 190},
                               F{"awaiterB2", "/path/to/app.py", 180},
                               F{"awaiterB", "/path/to/app.py", 170}})
             .awaited_by(0x6, {F{"awaiterB3", "/path/to/app.py", 190},
                               F{"awaiterB2", "/path/to/app.py", 180},
                               F{"awaiterB", "/path/to/app.py", 170}})
             .awaited_by(
                 0x7, {F{"awaiter3", "/path/to/app.py", 130}, F{"awaiter2", "/path/to/app.py", 120},
                       F{"awaiter", "/path/to/app.py", 110}})
             .task(0x8, "root1")
             .awaited_by(0x2, {F{"_aexit"}, F{"__aexit__"}, F{"main"}})
             .task(0x9, "root2")
             .awaited_by(0x2, {F{"_aexit"}, F{"__aexit__"}, F{"main"}})
             .task(0x4, "child1_1")
             .awaited_by(0x8, {F{"_aexit"}, F{"__aexit__"}, F{"blocho_caller"}, F{"bloch"}})
             .task(0x6, "child2_1")
             .awaited_by(0x8, {F{"_aexit"}, F{"__aexit__"}, F{"blocho_caller"}, F{"bloch"}})
             .task(0x7, "child1_2")
             .awaited_by(0x9, {F{"_aexit"}, F{"__aexit__"}, F{"blocho_caller"}, F{"bloch"}})
             .task(0x5, "child2_2")
             .awaited_by(0x9, {F{"_aexit"}, F{"__aexit__"}, F{"blocho_caller"}, F{"bloch"}})
             .thread(0)
             .build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  timer                                                    "
         "               awaiter3 -> awaiter2 -> awaiter                    child1_1        0x4    "
         "        \n"
         "1          0x3                  timer                                                    "
         "               awaiterB3 -> awaiterB2 -> awaiterB                 child2_2        0x5    "
         "        \n"
         "1          0x3                  timer                                                    "
         "               awaiterB3 -> awaiterB2 -> awaiterB                 child2_1        0x6    "
         "        \n"
         "1          0x3                  timer                                                    "
         "               awaiter3 -> awaiter2 -> awaiter                    child1_2        0x7    "
         "        \n"
         "1          0x8                  root1                                                    "
         "               _aexit -> __aexit__ -> main                        Task-1          0x2    "
         "        \n"
         "1          0x9                  root2                                                    "
         "               _aexit -> __aexit__ -> main                        Task-1          0x2    "
         "        \n"
         "1          0x4                  child1_1                                                 "
         "               _aexit -> __aexit__ -> blocho_caller -> bloch      root1           0x8    "
         "        \n"
         "1          0x6                  child2_1                                                 "
         "               _aexit -> __aexit__ -> blocho_caller -> bloch      root1           0x8    "
         "        \n"
         "1          0x7                  child1_2                                                 "
         "               _aexit -> __aexit__ -> blocho_caller -> bloch      root2           0x9    "
         "        \n"
         "1          0x5                  child2_2                                                 "
         "               _aexit -> __aexit__ -> blocho_caller -> bloch      root2           0x9    "
         "        \n",
         // pstree stdout
         "└── (T) Task-1\n"
         "    └──  main\n"
         "        └──  __aexit__\n"
         "            └──  _aexit\n"
         "                ├── (T) root1\n"
         "                │   └──  bloch\n"
         "                │       └──  blocho_caller\n"
         "                │           └──  __aexit__\n"
         "                │               └──  _aexit\n"
         "                │                   ├── (T) child1_1\n"
         "                │                   │   └──  awaiter /path/to/app.py:110\n"
         "                │                   │       └──  awaiter2 /path/to/app.py:120\n"
         "                │                   │           └──  awaiter3 /path/to/app.py:130\n"
         "                │                   │               └── (T) timer\n"
         "                │                   └── (T) child2_1\n"
         "                │                       └──  awaiterB /path/to/app.py:170\n"
         "                │                           └──  awaiterB2 /path/to/app.py:180\n"
         "                │                               └──  awaiterB3 /path/to/app.py:190\n"
         "                │                                   └── (T) timer\n"
         "                └── (T) root2\n"
         "                    └──  bloch\n"
         "                        └──  blocho_caller\n"
         "                            └──  __aexit__\n"
         "                                └──  _aexit\n"
         "                                    ├── (T) child1_2\n"
         "                                    │   └──  awaiter /path/to/app.py:110\n"
         "                                    │       └──  awaiter2 /path/to/app.py:120\n"
         "                                    │           └──  awaiter3 /path/to/app.py:130\n"
         "                                    │               └── (T) timer\n"
         "                                    └── (T) child2_2\n"
         "                                        └──  awaiterB /path/to/app.py:170\n"
         "                                            └──  awaiterB2 /path/to/app.py:180\n"
         "                                                └──  awaiterB3 /path/to/app.py:190\n"
         "                                                    └── (T) timer\n",
         // pstree stderr
         "", 0},
        {"TwoRootsOnTwoThreads",
         SnapshotBuilder()
             .interpreter()
             .thread(9)
             .task(0x5, "Task-5")
             .task(0x6, "Task-6")
             .awaited_by(0x5, {F{"main2"}})
             .task(0x7, "Task-7")
             .awaited_by(0x5, {F{"main2"}})
             .task(0x8, "Task-8")
             .awaited_by(0x5, {F{"main2"}})
             .thread(10)
             .task(0x1, "Task-1")
             .task(0x2, "Task-2")
             .awaited_by(0x1, {F{"main"}})
             .task(0x3, "Task-3")
             .awaited_by(0x1, {F{"main"}})
             .task(0x4, "Task-4")
             .awaited_by(0x1, {F{"main"}})
             .thread(11)
             .thread(0)
             .build(),
         // ps rows
         "9          0x5                  Task-5                                                   "
         "                                                                                  0x0    "
         "        \n"
         "9          0x6                  Task-6                                                   "
         "               main2                                              Task-5          0x5    "
         "        \n"
         "9          0x7                  Task-7                                                   "
         "               main2                                              Task-5          0x5    "
         "        \n"
         "9          0x8                  Task-8                                                   "
         "               main2                                              Task-5          0x5    "
         "        \n"
         "10         0x1                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "10         0x2                  Task-2                                                   "
         "               main                                               Task-1          0x1    "
         "        \n"
         "10         0x3                  Task-3                                                   "
         "               main                                               Task-1          0x1    "
         "        \n"
         "10         0x4                  Task-4                                                   "
         "               main                                               Task-1          0x1    "
         "        \n",
         // pstree stdout
         "└── (T) Task-5\n"
         "    └──  main2\n"
         "        ├── (T) Task-6\n"
         "        ├── (T) Task-7\n"
         "        └── (T) Task-8\n"
         "└── (T) Task-1\n"
         "    └──  main\n"
         "        ├── (T) Task-2\n"
         "        ├── (T) Task-3\n"
         "        └── (T) Task-4\n",
         // pstree stderr
         "", 0},
        {"TwoRootsOneWithoutSubtasks",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-5")
             .thread(3)
             .task(0x4, "Task-1")
             .task(0x5, "Task-2")
             .awaited_by(0x4, {F{"main"}})
             .task(0x6, "Task-3")
             .awaited_by(0x4, {F{"main"}})
             .task(0x7, "Task-4")
             .awaited_by(0x4, {F{"main"}})
             .thread(8)
             .thread(0)
             .build(),
         // ps rows
         "1          0x2                  Task-5                                                   "
         "                                                                                  0x0    "
         "        \n"
         "3          0x4                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "3          0x5                  Task-2                                                   "
         "               main                                               Task-1          0x4    "
         "        \n"
         "3          0x6                  Task-3                                                   "
         "               main                                               Task-1          0x4    "
         "        \n"
         "3          0x7                  Task-4                                                   "
         "               main                                               Task-1          0x4    "
         "        \n",
         // pstree stdout
         "└── (T) Task-5\n"
         "└── (T) Task-1\n"
         "    └──  main\n"
         "        ├── (T) Task-2\n"
         "        ├── (T) Task-3\n"
         "        └── (T) Task-4\n",
         // pstree stderr
         "", 0},
        {"TwoTasksAwaitingEachOther",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-1")
             .task(0x3, "a")
             .awaited_by(0x4, {F{"awaiter2"}})
             .awaited_by(0x2, {F{"main"}})
             .task(0x4, "b")
             .awaited_by(0x3, {F{"awaiter"}})
             .thread(0)
             .build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  a                                                        "
         "               awaiter2                                           b               0x4    "
         "        \n"
         "1          0x3                  a                                                        "
         "               main                                               Task-1          0x2    "
         "        \n"
         "1          0x4                  b                                                        "
         "               awaiter                                            a               0x3    "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: b → a → b\n",
         1},
        {"TwoCycles",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-1")
             .task(0x3, "A")
             .awaited_by(0x4, {F{"nested"}, F{"nested"}, F{"task_b"}})
             .task(0x4, "B")
             .awaited_by(0x5, {F{"nested"}, F{"nested"}, F{"task_c"}})
             .awaited_by(0x3, {F{"nested"}, F{"nested"}, F{"task_a"}})
             .task(0x5, "C")
             .awaited_by(0x6, {F{"nested"}, F{"nested"}})
             .task(0x6, "Task-2")
             .awaited_by(0x4, {F{"nested"}, F{"nested"}, F{"task_b"}})
             .thread(0)
             .build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  A                                                        "
         "               nested -> nested -> task_b                         B               0x4    "
         "        \n"
         "1          0x4                  B                                                        "
         "               nested -> nested -> task_c                         C               0x5    "
         "        \n"
         "1          0x4                  B                                                        "
         "               nested -> nested -> task_a                         A               0x3    "
         "        \n"
         "1          0x5                  C                                                        "
         "               nested -> nested                                   Task-2          0x6    "
         "        \n"
         "1          0x6                  Task-2                                                   "
         "               nested -> nested -> task_b                         B               0x4    "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: B → A → B\n"
         "cycle: B → Task-2 → C → B\n",
         1},
        {"Empty", SnapshotBuilder().build(),
         // ps rows
         "",
         // pstree stdout
         "",
         // pstree stderr
         "", 0},
        {"EmptyThreads", SnapshotBuilder().interpreter().thread(7).thread(0).build(),
         // ps rows
         "",
         // pstree stdout
         "",
         // pstree stderr
         "", 0},
        {"IndependentTasks",
         SnapshotBuilder().interpreter().thread(1).task(0xa, "taskA").task(0xb, "taskB").build(),
         // ps rows
         "1          0xa                  taskA                                                    "
         "                                                                                  0x0    "
         "        \n"
         "1          0xb                  taskB                                                    "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) taskA\n"
         "└── (T) taskB\n",
         // pstree stderr
         "", 0},
        {"SingleTask", SnapshotBuilder().interpreter().thread(1).task(0x2, "Task-1").build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) Task-1\n",
         // pstree stderr
         "", 0},
        {"TwoTaskCycle",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-1")
             .awaited_by(0x3, {F{"main"}})
             .task(0x3, "Task-2")
             .awaited_by(0x2, {F{"main"}})
             .build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "               main                                               Task-2          0x3    "
         "        \n"
         "1          0x3                  Task-2                                                   "
         "               main                                               Task-1          0x2    "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: Task-2 → Task-1 → Task-2\n",
         1},
        {"ChainOfThree",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x2, "Task-1")
             .task(0x3, "Task-2")
             .awaited_by(0x2, {F{"main"}})
             .task(0x4, "Task-3")
             .awaited_by(0x3, {F{"main"}})
             .build(),
         // ps rows
         "1          0x2                  Task-1                                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  Task-2                                                   "
         "               main                                               Task-1          0x2    "
         "        \n"
         "1          0x4                  Task-3                                                   "
         "               main                                               Task-2          0x3    "
         "        \n",
         // pstree stdout
         "└── (T) Task-1\n"
         "    └──  main\n"
         "        └── (T) Task-2\n"
         "            └──  main\n"
         "                └── (T) Task-3\n",
         // pstree stderr
         "", 0},
        {"DeepCoroutineChain",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0xa, "leaf")
             .awaited_by(0xb, {F{"c1"}, F{"c2"}, F{"c3"}, F{"c4"}, F{"c5"}})
             .task(0xb, "root")
             .build(),
         // ps rows
         "1          0xa                  leaf                                                     "
         "               c1 -> c2 -> c3 -> c4 -> c5                         root            0xb    "
         "        \n"
         "1          0xb                  root                                                     "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) root\n"
         "    └──  c5\n"
         "        └──  c4\n"
         "            └──  c3\n"
         "                └──  c2\n"
         "                    └──  c1\n"
         "                        └── (T) leaf\n",
         // pstree stderr
         "", 0},
        {"MultipleCyclesSameNode",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "Task-A")
             .awaited_by(0x2, {F{"call1"}})
             .task(0x2, "Task-B")
             .awaited_by(0x3, {F{"call2"}})
             .task(0x3, "Task-C")
             .awaited_by(0x1, {F{"call3"}})
             .awaited_by(0x2, {F{"call4"}})
             .build(),
         // ps rows
         "1          0x1                  Task-A                                                   "
         "               call1                                              Task-B          0x2    "
         "        \n"
         "1          0x2                  Task-B                                                   "
         "               call2                                              Task-C          0x3    "
         "        \n"
         "1          0x3                  Task-C                                                   "
         "               call3                                              Task-A          0x1    "
         "        \n"
         "1          0x3                  Task-C                                                   "
         "               call4                                              Task-B          0x2    "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: Task-B → Task-A → Task-C → Task-B\n",
         1},
        {"TableFormat",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "Task-A")
             .awaited_by(0x2, {F{"foo"}})
             .task(0x2, "Task-B")
             .build(),
         // ps rows
         "1          0x1                  Task-A                                                   "
         "               foo                                                Task-B          0x2    "
         "        \n"
         "1          0x2                  Task-B                                                   "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) Task-B\n"
         "    └──  foo\n"
         "        └── (T) Task-A\n",
         // pstree stderr
         "", 0},
        {"TaskAwaitsItself",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "Self-Awaiter")
             .awaited_by(0x1, {F{"loopback"}})
             .build(),
         // ps rows
         "1          0x1                  Self-Awaiter                                             "
         "               loopback                                           Self-Awaiter    0x1    "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: Self-Awaiter → Self-Awaiter\n",
         1},
        {"UnknownAwaiterDropsSubtree",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "Task-A")
             .awaited_by(0x3e7, {F{"coro"}})
             .build(),
         // ps rows
         "1          0x1                  Task-A                                                   "
         "               coro                                               Unknown         0x3e7  "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "", 0},
        {"DuplicateCoroutineFrames",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "Task-1")
             .awaited_by(0x2, {F{"frameA"}})
             .awaited_by(0x3, {F{"frameA"}})
             .task(0x2, "Task-2")
             .task(0x3, "Task-3")
             .build(),
         // ps rows
         "1          0x1                  Task-1                                                   "
         "               frameA                                             Task-2          0x2    "
         "        \n"
         "1          0x1                  Task-1                                                   "
         "               frameA                                             Task-3          0x3    "
         "        \n"
         "1          0x2                  Task-2                                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  Task-3                                                   "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) Task-2\n"
         "    └──  frameA\n"
         "        └── (T) Task-1\n"
         "└── (T) Task-3\n"
         "    └──  frameA\n"
         "        └── (T) Task-1\n",
         // pstree stderr
         "", 0},
        {"TwoFramesUnderOneTask",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "MainTask")
             .awaited_by(0x2, {F{"f1"}, F{"f2"}})
             .task(0x2, "SubTask")
             .build(),
         // ps rows
         "1          0x1                  MainTask                                                 "
         "               f1 -> f2                                           SubTask         0x2    "
         "        \n"
         "1          0x2                  SubTask                                                  "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) SubTask\n"
         "    └──  f2\n"
         "        └──  f1\n"
         "            └── (T) MainTask\n",
         // pstree stderr
         "", 0},
    };
}

}  // namespace aps::render::test

// aps's own ps/pstree scenarios: realistic stacks, frame text rules, shared children, duplicate
// ids, interpreters, unknown awaiters, code-point padding, escaping and set-ordered cycles.
// Expectations come from the reference tools.py fed the same data (names pre-escaped).
#include "render_case.hpp"

namespace aps::render::test {

std::vector<RenderCase> aps_cases() {
    using namespace std::string_literals;
    // TaskGroupProgram's stacks: main and mid each wait in a task group's exit, leaf sleeps.
    const auto in_task_group = [](F caller) {
        return std::vector<F>{
            F{"TaskGroup._aexit", "/usr/lib/python3.14/asyncio/taskgroups.py", 121},
            F{"TaskGroup.__aexit__", "/usr/lib/python3.14/asyncio/taskgroups.py", 72}, caller};
    };
    const std::vector<F> main_stack = in_task_group(F{"main", "/t/prog.py", 12});
    const std::vector<F> mid_stack = in_task_group(F{"mid", "/t/prog.py", 5});
    const std::vector<F> leaf_stack = {F{"sleep", "/usr/lib/python3.14/asyncio/tasks.py", 702},
                                       F{"leaf", "/t/prog.py", 3}};
    return {
        {"TaskGroupProgram",
         SnapshotBuilder()
             .interpreter()
             .thread(5060)
             .task(0x7f0a1271c7d0, "Task-1", main_stack)
             .task(0x7f0a1271c9b0, "mid-1", mid_stack)
             .awaited_by(0x7f0a1271c7d0, main_stack)
             .task(0x7f0a1271cb90, "leaf-1", leaf_stack)
             .awaited_by(0x7f0a1271c9b0, mid_stack)
             .task(0x7f0a1271cd70, "Task-2", leaf_stack)
             .awaited_by(0x7f0a1271c9b0, mid_stack)
             .thread(0)
             .build(),
         // ps rows
         "5060       0x7f0a1271c7d0       Task-1               TaskGroup._aexit -> "
         "TaskGroup.__aexit__ -> main                                                              "
         "         0x0            \n"
         "5060       0x7f0a1271c9b0       mid-1                TaskGroup._aexit -> "
         "TaskGroup.__aexit__ -> mid     TaskGroup._aexit -> TaskGroup.__aexit__ -> main    Task-1 "
         "         0x7f0a1271c7d0 \n"
         "5060       0x7f0a1271cb90       leaf-1               sleep -> leaf                       "
         "               TaskGroup._aexit -> TaskGroup.__aexit__ -> mid     mid-1           "
         "0x7f0a1271c9b0 \n"
         "5060       0x7f0a1271cd70       Task-2               sleep -> leaf                       "
         "               TaskGroup._aexit -> TaskGroup.__aexit__ -> mid     mid-1           "
         "0x7f0a1271c9b0 \n",
         // pstree stdout
         "└── (T) Task-1\n"
         "    └──  main /t/prog.py:12\n"
         "        └──  TaskGroup.__aexit__ /usr/lib/python3.14/asyncio/taskgroups.py:72\n"
         "            └──  TaskGroup._aexit /usr/lib/python3.14/asyncio/taskgroups.py:121\n"
         "                └── (T) mid-1\n"
         "                    └──  mid /t/prog.py:5\n"
         "                        └──  TaskGroup.__aexit__ "
         "/usr/lib/python3.14/asyncio/taskgroups.py:72\n"
         "                            └──  TaskGroup._aexit "
         "/usr/lib/python3.14/asyncio/taskgroups.py:121\n"
         "                                ├── (T) leaf-1\n"
         "                                │   └──  leaf /t/prog.py:3\n"
         "                                │       └──  sleep "
         "/usr/lib/python3.14/asyncio/tasks.py:702\n"
         "                                └── (T) Task-2\n"
         "                                    └──  leaf /t/prog.py:3\n"
         "                                        └──  sleep "
         "/usr/lib/python3.14/asyncio/tasks.py:702\n",
         // pstree stderr
         "", 0},
        {"FrameTextRules",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "root")
             .task(0x2, "t",
                   {"bare", F{"tilde", "~", Frame::kNoLine}, F{"fileonly", "/f.py", Frame::kNoLine},
                    F{"nofile", "", Frame::kNoLine}, F{"zero", "", 0}, F{"zerofile", "/f.py", 0},
                    F{"neg", "/f.py", -9}, F{"min", "/f.py", INT32_MIN}, F{"normal", "a", 1}})
             .awaited_by(
                 0x1,
                 {"bare", F{"tilde", "~", Frame::kNoLine}, F{"fileonly", "/f.py", Frame::kNoLine},
                  F{"nofile", "", Frame::kNoLine}, F{"zero", "", 0}, F{"zerofile", "/f.py", 0},
                  F{"neg", "/f.py", -9}, F{"min", "/f.py", INT32_MIN}, F{"normal", "a", 1}})
             .build(),
         // ps rows
         "1          0x1                  root                                                     "
         "                                                                                  0x0    "
         "        \n"
         "1          0x2                  t                    bare -> tilde -> fileonly -> nofile "
         "-> zero -> zerofile -> neg -> min -> normal bare -> tilde -> fileonly -> nofile -> zero "
         "-> zerofile -> neg -> min -> normal root            0x1            \n",
         // pstree stdout
         "└── (T) root\n"
         "    └──  normal a:1\n"
         "        └──  min /f.py:-2147483648\n"
         "            └──  neg /f.py:-9\n"
         "                └──  zerofile /f.py:0\n"
         "                    └──  zero\n"
         "                        └──  nofile :-1\n"
         "                            └──  fileonly /f.py:-1\n"
         "                                └──  tilde ~:-1\n"
         "                                    └──  bare\n"
         "                                        └── (T) t\n"
         "                                            └──  normal a:1\n"
         "                                                └──  min /f.py:-2147483648\n"
         "                                                    └──  neg /f.py:-9\n"
         "                                                        └──  zerofile /f.py:0\n"
         "                                                            └──  zero\n"
         "                                                                └──  nofile :-1\n"
         "                                                                    └──  fileonly "
         "/f.py:-1\n"
         "                                                                        └──  tilde ~:-1\n"
         "                                                                            └──  bare\n",
         // pstree stderr
         "", 0},
        {"CoroutineNodesDedupByText",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "root", {F{"main", "/m.py", 3}})
             .task(0x2, "x", {"w"})
             .awaited_by(0x1, {F{"g", "a:1", 2}, F{"main", "/m.py", 3}})
             .task(0x3, "y", {"w"})
             .awaited_by(0x1, {F{"g a:1:2", "", 0}, F{"main", "/m.py", 3}})
             .task(0x4, "z", {"w"})
             .awaited_by(0x1, {"h", F{"main", "/m.py", 4}})
             .build(),
         // ps rows
         "1          0x1                  root                 main                                "
         "                                                                                  0x0    "
         "        \n"
         "1          0x2                  x                    w                                   "
         "               g -> main                                          root            0x1    "
         "        \n"
         "1          0x3                  y                    w                                   "
         "               g a:1:2 -> main                                    root            0x1    "
         "        \n"
         "1          0x4                  z                    w                                   "
         "               h -> main                                          root            0x1    "
         "        \n",
         // pstree stdout
         "└── (T) root\n"
         "    ├──  main /m.py:3\n"
         "    │   └──  g a:1:2\n"
         "    │       ├── (T) x\n"
         "    │       │   └──  w\n"
         "    │       └── (T) y\n"
         "    │           └──  w\n"
         "    └──  main /m.py:4\n"
         "        └──  h\n"
         "            └── (T) z\n"
         "                └──  w\n",
         // pstree stderr
         "", 0},
        {"SharedChildUnderTwoParents",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "r1")
             .task(0x2, "r2")
             .task(0x3, "shared", {F{"leaf", "/l.py", 9}})
             .awaited_by(0x1, {F{"gather", "/g.py", 1}})
             .awaited_by(0x2, {F{"gather", "/g.py", 1}})
             .task(0x4, "under-shared")
             .awaited_by(0x3, {F{"leaf", "/l.py", 9}})
             .build(),
         // ps rows
         "1          0x1                  r1                                                       "
         "                                                                                  0x0    "
         "        \n"
         "1          0x2                  r2                                                       "
         "                                                                                  0x0    "
         "        \n"
         "1          0x3                  shared               leaf                                "
         "               gather                                             r1              0x1    "
         "        \n"
         "1          0x3                  shared               leaf                                "
         "               gather                                             r2              0x2    "
         "        \n"
         "1          0x4                  under-shared                                             "
         "               leaf                                               shared          0x3    "
         "        \n",
         // pstree stdout
         "└── (T) r1\n"
         "    └──  gather /g.py:1\n"
         "        └── (T) shared\n"
         "            └──  leaf /l.py:9\n"
         "                └── (T) under-shared\n"
         "└── (T) r2\n"
         "    └──  gather /g.py:1\n"
         "        └── (T) shared\n"
         "            └──  leaf /l.py:9\n"
         "                └── (T) under-shared\n",
         // pstree stderr
         "", 0},
        {"DuplicateTaskId",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x10, "first", {F{"a", "/a.py", 1}})
             .task(0x20, "other")
             .awaited_by(0x10, {F{"x"}})
             .thread(0)
             .task(0x10, "second", {F{"b", "/b.py", 2}})
             .build(),
         // ps rows
         "1          0x10                 first                a                                   "
         "                                                                                  0x0    "
         "        \n"
         "1          0x20                 other                                                    "
         "               x                                                  second          0x10   "
         "        \n"
         "0          0x10                 second               b                                   "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) second\n"
         "    └──  x\n"
         "        └── (T) other\n",
         // pstree stderr
         "", 0},
        {"TwoInterpreters",
         SnapshotBuilder()
             .interpreter()
             .thread(100)
             .task(0x1000, "main-task", {F{"main", "/m.py", 1}})
             .thread(0)
             .interpreter()
             .thread(200)
             .task(0x2000, "sub-task", {F{"sub", "/s.py", 2}})
             .awaited_by(0x1000, {F{"main"}})
             .task(0x3000, "sub-root")
             .thread(0)
             .build(),
         // ps rows
         "100        0x1000               main-task            main                                "
         "                                                                                  0x0    "
         "        \n"
         "200        0x2000               sub-task             sub                                 "
         "               main                                               main-task       0x1000 "
         "        \n"
         "200        0x3000               sub-root                                                 "
         "                                                                                  0x0    "
         "        \n",
         // pstree stdout
         "└── (T) main-task\n"
         "    └──  main\n"
         "        └── (T) sub-task\n"
         "            └──  sub /s.py:2\n"
         "└── (T) sub-root\n",
         // pstree stderr
         "", 0},
        {"UnknownAwaitersAndFutures",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "root")
             .task(0x2, "child")
             .awaited_by(0x1, {F{"main"}})
             .awaited_by(0xdead0)
             .task(0x3, "orphan", {F{"w", "/w.py", 1}})
             .awaited_by(0xbeef0, {F{"unknown_coro"}})
             .task(0x4, "under-orphan")
             .awaited_by(0x3, {F{"w"}})
             .build(),
         // ps rows
         "1          0x1                  root                                                     "
         "                                                                                  0x0    "
         "        \n"
         "1          0x2                  child                                                    "
         "               main                                               root            0x1    "
         "        \n"
         "1          0x2                  child                                                    "
         "                                                                  Unknown         "
         "0xdead0        \n"
         "1          0x3                  orphan               w                                   "
         "               unknown_coro                                       Unknown         "
         "0xbeef0        \n"
         "1          0x4                  under-orphan                                             "
         "               w                                                  orphan          0x3    "
         "        \n",
         // pstree stdout
         "└── (T) root\n"
         "    └──  main\n"
         "        └── (T) child\n",
         // pstree stderr
         "", 0},
        {"NonAsciiPadding",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x7f0000000010, "任务一", {F{"日本語の関数", "/日本.py", 1}})
             .task(0x7f0000000020, "mid-é", {F{"fünf", "/é.py", 2}})
             .awaited_by(0x7f0000000010, {F{"日本語の関数", "/日本.py", 1}})
             .task(0x7f0000000030, "🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍",
                   {F{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "/x.py", 3}})
             .awaited_by(0x7f0000000020,
                         {F{"ggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "/x.py", 4},
                          F{"fünf", "/é.py", 2}})
             .build(),
         // ps rows
         "1          0x7f0000000010       任务一                  日本語の関数                     "
         "                                                                                         "
         "  0x0            \n"
         "1          0x7f0000000020       mid-é                fünf                                "
         "               日本語の関数                                             任务一           "
         "  0x7f0000000010 \n"
         "1          0x7f0000000030       🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍 "
         "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff "
         "ggggggggggggggggggggggggggggggggggggggggggggggggggggggg -> fünf mid-é           "
         "0x7f0000000020 \n",
         // pstree stdout
         "└── (T) 任务一\n"
         "    └──  日本語の関数 /日本.py:1\n"
         "        └── (T) mid-é\n"
         "            └──  fünf /é.py:2\n"
         "                └──  ggggggggggggggggggggggggggggggggggggggggggggggggggggggg /x.py:4\n"
         "                    └── (T) 🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍🐍\n"
         "                        └──  "
         "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff /x.py:3\n",
         // pstree stderr
         "", 0},
        {"EscapedControlCharacters",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1,
                   "line\n"
                   "break",
                   {F{"tab\011here", "/a\015b.py", 1}})
             .task(0x2, "\033[31mred\033[0m", {F{"nul\000"s, "/del\177.py", 2}})
             .awaited_by(0x1, {F{"tab\011here", "/a\015b.py", 1}})
             .task(0x3, "c1\302\205\302\233 end",
                   {F{"rtl\342\200\256evil", "/x\342\201\246.py", 3}})
             .awaited_by(0x2, {F{"nul\000"s, "/del\177.py", 2}})
             .task(0x4, "lone\355\240\200surrogate\342\200\217", {F{"\330\234mark", "/ok.py", 4}})
             .awaited_by(0x3, {F{"rtl\342\200\256evil", "/x\342\201\246.py", 3}})
             .build(),
         // ps rows
         "1          0x1                  line\\nbreak          tab\\there                         "
         "                                                                                    0x0  "
         "          \n"
         "1          0x2                  \\x1b[31mred\\x1b[0m   nul\\x00                          "
         "                  tab\\there                                          line\\nbreak     "
         "0x1            \n"
         "1          0x3                  c1\\x85\\x9b end       rtl\\u202eevil                    "
         "                  nul\\x00                                            "
         "\\x1b[31mred\\x1b[0m 0x2            \n"
         "1          0x4                  lone\\ud800surrogate\\u200f \\u061cmark                  "
         "                       rtl\\u202eevil                                      c1\\x85\\x9b "
         "end  0x3            \n",
         // pstree stdout
         "└── (T) line\\nbreak\n"
         "    └──  tab\\there /a\\rb.py:1\n"
         "        └── (T) \\x1b[31mred\\x1b[0m\n"
         "            └──  nul\\x00 /del\\x7f.py:2\n"
         "                └── (T) c1\\x85\\x9b end\n"
         "                    └──  rtl\\u202eevil /x\\u2066.py:3\n"
         "                        └── (T) lone\\ud800surrogate\\u200f\n"
         "                            └──  \\u061cmark /ok.py:4\n",
         // pstree stderr
         "", 0},
        {"EscapedNamesInCycleReport",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1,
                   "a\n"
                   "b")
             .awaited_by(0x2, {F{"x"}})
             .task(0x2, "\342\200\256c")
             .awaited_by(0x1, {F{"y"}})
             .build(),
         // ps rows
         "1          0x1                  a\\nb                                                    "
         "                x                                                  \\u202ec         0x2  "
         "          \n"
         "1          0x2                  \\u202ec                                                 "
         "                y                                                  a\\nb            0x1  "
         "          \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: \\u202ec → a\\nb → \\u202ec\n",
         1},
        {"CyclesInSetOrder",
         SnapshotBuilder()
             .interpreter()
             .thread(1)
             .task(0x1, "one")
             .awaited_by(0x9, {F{"c"}})
             .awaited_by(0x10, {F{"b"}})
             .task(0x10, "sixteen")
             .awaited_by(0x1, {F{"a"}})
             .task(0x9, "nine")
             .awaited_by(0x1, {F{"d"}})
             .task(0x2000000000000001, "big")
             .awaited_by(0x10, {F{"e"}})
             .task(0x3, "three")
             .awaited_by(0x2000000000000001, {F{"f"}})
             .awaited_by(0x10, {F{"g"}})
             .task(0x200000000000000f, "alias")
             .awaited_by(0x10, {F{"h"}})
             .build(),
         // ps rows
         "1          0x1                  one                                                      "
         "               c                                                  nine            0x9    "
         "        \n"
         "1          0x1                  one                                                      "
         "               b                                                  sixteen         0x10   "
         "        \n"
         "1          0x10                 sixteen                                                  "
         "               a                                                  one             0x1    "
         "        \n"
         "1          0x9                  nine                                                     "
         "               d                                                  one             0x1    "
         "        \n"
         "1          0x2000000000000001   big                                                      "
         "               e                                                  sixteen         0x10   "
         "        \n"
         "1          0x3                  three                                                    "
         "               f                                                  big             "
         "0x2000000000000001\n"
         "1          0x3                  three                                                    "
         "               g                                                  sixteen         0x10   "
         "        \n"
         "1          0x200000000000000f   alias                                                    "
         "               h                                                  sixteen         0x10   "
         "        \n",
         // pstree stdout
         "",
         // pstree stderr
         "ERROR: await-graph contains cycles - cannot print a tree!\n"
         "\n"
         "cycle: one → sixteen → one\n"
         "cycle: nine → one → nine\n",
         1},

    };
}

}  // namespace aps::render::test

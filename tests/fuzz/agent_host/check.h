/* check.h - CHECK(cond, printf-format, ...): an invariant of a fuzz harness; when it fails,
 * say which (CHECK_WHO names the harness) and abort, which libFuzzer reports as a crash. */
#ifndef AGENT_CHECK_H
#define AGENT_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, CHECK_WHO ": " __VA_ARGS__);                                           \
      fprintf(stderr, " (%s, line %d)\n", #cond, __LINE__);                                 \
      abort();                                                                               \
    }                                                                                        \
  } while (0)

#endif /* AGENT_CHECK_H */

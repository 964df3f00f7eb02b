/* json: the few helpers the --json outputs need. */
#ifndef VB_JSON_H
#define VB_JSON_H

#include <stdio.h>

/* A JSON string literal, or null for NULL/"" when null_if_empty. */
void vb_json_str(FILE *f, const char *s, int null_if_empty);

#endif

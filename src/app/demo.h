/* demo.h — demo data for `make run`: a bank, its departments, an outsourced
 * call-center vendor acting for it, a regulator, a carrier and a few staff.
 * Only into an empty database; passwords are random and printed once. */
#ifndef OMBUD_APP_DEMO_H
#define OMBUD_APP_DEMO_H

#include <stdio.h>

#include "app/app.h"

/* Seeds when the store has no organisation. Writes the accounts and their
 * passwords to out. Returns 1 if it seeded, 0 if data was already there, or
 * a negative code. */
int demo_seed(struct app *app, FILE *out);

#endif

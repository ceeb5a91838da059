/* conn: placeholder until written; see conn.h. */
#include <config.h>
#include "controller/conn.h"

/* An include file that does not exist. */
#include "does_not_exist.h" // ERROR 2: does_not_exist.h ... not found

int prog(void *ctx)
{
	return 0;
}

/* hutch-oci exec: placeholder until the join is written. */
#include "front/oci/oci.h"
#include "lib/failure.h"

int oci_cmd_exec(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	return failx(f, "exec", "not implemented yet");
}

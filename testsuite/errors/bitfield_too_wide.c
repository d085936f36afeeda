/* A bit-field wider than its type. */
struct flags {
	unsigned int ok : 3;
	unsigned int too_wide : 40; // ERROR 4: too_wide
};

int prog(struct flags *f)
{
	return f->ok;
}

/* Assigning a struct to an int. */
struct pair {
	int a, b;
};

int prog(struct pair *p)
{
	int v;
	v = *p; // ERROR 9: incompatible
	return v;
}

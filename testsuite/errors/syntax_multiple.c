/* Several syntax errors in one file: each must be reported, with recovery between them. */
int first(int a)
{
	int x = a + ; // ERROR 4:14: expected expression
	return x;
}

int second(int a)
{
	return (a + 2; // ERROR 10:15: expected ')'
}

int third(int a)
{
	int y = a * 2 int z = 3; // ERROR 15: expected ';'
	return y + z;
}

//! Building functions instruction by instruction.

use super::*;

/// Appends instructions to the end of a current block.
pub struct FunctionBuilder<'f> {
    pub func: &'f mut Function,
    current: Option<Block>,
    srcloc: Span,
}

impl<'f> FunctionBuilder<'f> {
    pub fn new(func: &'f mut Function) -> FunctionBuilder<'f> {
        FunctionBuilder {
            func,
            current: None,
            srcloc: Span::default(),
        }
    }

    /// Creates a block and appends it to the layout.
    pub fn create_block(&mut self) -> Block {
        let b = self.func.blocks.push(BlockData::default());
        self.func.layout.push(b);
        b
    }

    pub fn append_block_param(&mut self, block: Block, ty: Type) -> Value {
        let n = self.func.blocks[block].params.len() as u32;
        let v = self.func.values.push(ValueData {
            ty,
            def: ValueDef::Param(block, n),
        });
        self.func.blocks[block].params.push(v);
        v
    }

    pub fn switch_to_block(&mut self, block: Block) {
        self.current = Some(block);
    }

    pub fn current_block(&self) -> Option<Block> {
        self.current
    }

    /// The current block already ends in a terminator (code after `return`).
    pub fn is_terminated(&self) -> bool {
        match self.current {
            None => true,
            Some(b) => self.func.blocks[b]
                .insts
                .last()
                .is_some_and(|&i| self.func.insts[i].op.is_terminator()),
        }
    }

    /// The source position given to the instructions built next.
    pub fn set_srcloc(&mut self, span: Span) {
        self.srcloc = span;
    }

    pub fn create_slot(
        &mut self,
        size: u32,
        align: u32,
        name: Option<String>,
        span: Span,
    ) -> StackSlot {
        self.func.slots.push(StackSlotData {
            size,
            align,
            name,
            span,
            address_taken: false,
        })
    }

    /// Appends `op` to the current block; `result` is the type of its value, if any.
    pub fn ins(&mut self, op: Op, result: Option<Type>) -> Option<Value> {
        let block = self.current.expect("no current block");
        let inst = self.func.insts.push(InstData { op, result: None });
        let value = result.map(|ty| {
            self.func.values.push(ValueData {
                ty,
                def: ValueDef::Inst(inst),
            })
        });
        self.func.insts[inst].result = value;
        self.func.srclocs[inst] = self.srcloc;
        self.func.blocks[block].insts.push(inst);
        value
    }

    /// Appends an instruction that has a result.
    pub fn ins_value(&mut self, op: Op, ty: Type) -> Value {
        self.ins(op, Some(ty)).unwrap()
    }

    pub fn iconst(&mut self, ty: Type, value: i64) -> Value {
        self.ins_value(Op::Iconst(value), ty)
    }

    pub fn binary(&mut self, op: BinOp, a: Value, b: Value) -> Value {
        let ty = self.func.value_type(a);
        self.ins_value(Op::Binary(op, a, b), ty)
    }

    pub fn icmp(&mut self, cond: Cond, a: Value, b: Value, ty: Type) -> Value {
        self.ins_value(Op::Icmp(cond, a, b), ty)
    }

    pub fn jump(&mut self, block: Block, args: Vec<Value>) {
        self.ins(Op::Jump(BlockCall { block, args }), None);
    }

    pub fn brif(&mut self, cond: Value, then_block: Block, else_block: Block) {
        let op = Op::Brif {
            cond,
            then_dest: BlockCall {
                block: then_block,
                args: vec![],
            },
            else_dest: BlockCall {
                block: else_block,
                args: vec![],
            },
        };
        self.ins(op, None);
    }

    pub fn ret(&mut self, value: Option<Value>) {
        self.ins(Op::Return(value), None);
    }
}

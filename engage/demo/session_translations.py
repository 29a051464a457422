"""The demo's community conversations in the other language families read: Spanish for those written in English, English for those written in Spanish (two are left untranslated on purpose, so readers see the mark)."""

# slug -> language -> {"title": ..., "description": ...}
SESSION_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "familias-unidas-equity-plan": {"en": {
        "title": "Family conversation on the equity plan",
        "description": ("A conversation in Spanish about the district's draft equity plan: what you think of it, "
                        "what is missing and what should change. Dinner and childcare provided."),
    }},
    "cedar-grove-family-conversation": {"es": {
        "title": "Conversación de familias de Cedar Grove: la lectura y la colaboración con las familias",
        "description": ("Lea con otras familias el nuevo plan de Cedar Grove para la lectura y la colaboración "
                        "con las familias, y dígale a la escuela lo que piensa. En inglés y en español; habrá "
                        "cena y cuidado de niños."),
    }},
    "somali-families-equity-plan": {"es": {
        "title": "Conversación de familias somalíes sobre el plan de equidad",
        "description": ("Una conversación en somalí, con intérprete al inglés, sobre el borrador del plan de "
                        "equidad del distrito. Habrá comida. Son bienvenidas las familias de todas las escuelas."),
    }},
    "cedar-grove-reading-night": {"es": {
        "title": "Noche de lectura para familias de kínder y primer grado",
        "description": ("Vea una clase de fonética como las que su hijo tiene todos los días, y díganos qué le "
                        "ayudaría en casa."),
    }},
    "cedar-grove-learning-night": {"es": {
        "title": "Noche de aprendizaje familiar: cómo ayudar con la lectura en casa",
        "description": ("La segunda noche de aprendizaje familiar del plan de Cedar Grove: cómo funcionan los "
                        "grupos de lectura, qué practicar en casa y qué debe hacer la escuela después. En inglés y "
                        "en español, con cena y cuidado de niños."),
    }},
    "familias-unidas-interpreters-transport": {"en": {
        "title": "Conversation in Spanish: interpreters, transportation and communication with families",
        "description": ("Families asked for a second conversation, this time on a Saturday. We will talk about "
                        "actions 5 and 6 of the plan: translation and interpreters, and the budget for buses and "
                        "after-school programs. Breakfast and childcare provided; please sign up at least two "
                        "days ahead so we know how many children are coming."),
    }},
    "somali-families-second": {"es": {
        "title": "Familias somalíes: intérpretes, rutas de autobús y disciplina escolar",
        "description": ("Una segunda conversación para las familias somalíes que no pudieron venir la vez "
                        "pasada, sobre las acciones que las familias mencionaron más: la interpretación, la parada "
                        "de autobús de Riverside Way y la disciplina. En somalí y en inglés; habrá almuerzo."),
    }},
    "black-families-discipline": {"es": {
        "title": "Disciplina, sentido de pertenencia y prácticas restaurativas: una conversación para familias "
                 "afroamericanas",
        "description": ("¿Qué haría que la disciplina fuera justa en nuestras escuelas, y qué debe decir el código "
                        "de conducta revisado? Una conversación en grupo pequeño organizada por la Riverbend Black "
                        "Parent Network. Habrá cena y cuidado de niños."),
    }},
    "district-budget-online": {"es": {
        "title": "Conversación en línea para todo el distrito: el presupuesto, los autobuses y los programas "
                 "después de clases",
        "description": ("La Oficina de Equidad y Participación Familiar (Office of Equity and Family Engagement) "
                        "organiza una noche en línea sobre la acción 6: cómo el presupuesto del próximo año debe "
                        "pagar el transporte, los programas después de clases, el personal de educación especial "
                        "y las comidas escolares. En inglés con interpretación al español; si necesita otro "
                        "idioma, pídalo al inscribirse."),
    }},
    "harbor-view-algebra": {"es": {
        "title": "Álgebra I en 8.º grado: ¿quién la toma en Harbor View?",
        "description": ("El plan fija una meta para las matemáticas de 8.º grado y el acceso a Álgebra I. Venga a "
                        "saber cómo se asigna hoy a los estudiantes a sus clases y díganos qué haría que fuera justo. "
                        "Habrá una cena ligera."),
    }},
}

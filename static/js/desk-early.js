// Loaded in the head of the post form: the passage editor will replace the Markdown textarea, so it is hidden from the start (a body of 800,000 characters is not laid out for nothing).
document.documentElement.classList.add("desk-js");

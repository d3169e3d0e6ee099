# Texts of the assistant itself (answers come from knowledge/).

greeting-morning = 早上好
greeting-afternoon = 下午好
greeting-evening = 晚上好
greeting-night = 您好，夜深了

smalltalk-greeting = { $greeting }！我是学信网账号帮助助手，注册、找回用户名或密码、证件号码重复、邮箱与手机等问题都可以问我。请直接描述您遇到的问题。
smalltalk-thanks = 不客气！还有其他问题，随时问我。
smalltalk-bye = 再见，祝您顺利！有问题随时回来找我。
smalltalk-identity = 我是学信网账号的帮助机器人，可以解答账号注册、找回账号、证件号码重复、邮箱与手机、实名信息等问题。我回答不了的，会告诉您怎样联系人工客服。

answer-related = 相关问题：
answer-next-steps = 您可以：
answer-links = 相关链接：
suggest-intro = 您是不是想问：
none-reply = 抱歉，这个问题我暂时回答不了。您可以换个说法再问一次，或联系人工客服：
    客服电话 010-82199588
    客服邮箱 kefu@chsi.com.cn
    帮助中心 https://account.chsi.com.cn/account/help/index.jsp

input-empty = 您好像还没有输入内容，请描述一下您遇到的问题。
input-too-long = 您的消息有 { $length } 个字，太长了。请控制在 { $max } 个字以内，简要描述您遇到的问题。
input-not-text = 这条消息我读不懂，请用文字描述您遇到的问题。
chat-welcome = 您好，我是学信网账号帮助助手。请问有什么可以帮您？
start-menu-intro = 以下是大家最常问的问题，点一下即可查看解答；您也可以直接输入自己的问题。
button-unknown = 这个选项已经失效了，请直接输入您的问题。
internal-error = 抱歉，系统出了点问题，请稍后再试。
service-unavailable = 抱歉，暂时无法服务，请稍后再试。如有急事，请拨打客服电话 010-82199588。

category-register = 账号注册
category-find-account = 找回账号
category-duplicate-id = 证件号码重复
category-email-mobile = 邮箱与手机
category-real-name = 实名信息
category-support = 联系客服
input-photo-unexpected = 现在不需要上传图片。请用文字描述您的问题。

# Guided dialogs: what the engine itself says.
dialog-your-turn = 请选择或输入：
dialog-choose-button = 请点击下面的选项之一，或输入选项的序号。
dialog-continue = 要继续刚才的步骤吗？
dialog-continue-button = 继续
dialog-offer-human = 好像不太顺利。需要为您转人工客服吗？
dialog-human-button = 转人工
dialog-at-start = 已经是第一步了。
dialog-restarted = 好的，我们从头开始。
dialog-cancelled = 好的，已结束当前流程。还有其他问题可以直接问我。

## News about the student's account, pushed to the conversations that signed in to it.
notice-review-approved = 好消息：您提交的手持身份证照片已审核通过，账号已激活，可以正常登录使用了。使用同一证件号码的其他账号已被注销。
notice-review-rejected = 您提交的照片没有通过审核，原因：{ $reason }。请按原因重新拍摄后再上传，或者换一种方式核验身份。
notice-assist-confirmed = 好消息：您的同学已确认了您的身份，账号已激活，可以正常登录使用了。使用同一证件号码的其他账号已被注销。
notice-assist-declined = 您请求的同学没有确认您的身份。您可以请另一位同学协助，或者换一种方式核验身份。
dialog-lost-place = 抱歉，这一步缺少前面的信息（可能是在其他页面操作过，或登录已过期），我们从这个流程的开头重新来。
dialog-failed = 抱歉，这个流程暂时出了问题，已经结束。您可以重新开始，或者直接提问。
dialog-changed-restart = 帮助流程刚刚更新，您所在的这一步已经不存在了。请点下面的按钮重新开始，或者直接提问。
dialog-changed-gone = 帮助流程刚刚更新，这个流程已经不存在了。请直接提问，我从这里继续帮您。
dialog-private-chat-only = 这一步需要您的个人信息，群里的其他人会看到。请在与我的私聊中继续。

# Feedback that says why (issue 16): 有用 / 没用 under an answer on every channel, and why.
feedback-useful = 👍 有用
feedback-not-useful = 👎 没用
feedback-thanks = 谢谢您的反馈！还有其他问题，直接输入就可以。
feedback-why = 抱歉没能帮到您。是哪里不满意呢？
feedback-reason-unclear = 看不懂
feedback-reason-did-not-work = 操作后不成功
feedback-reason-not-what-i-asked = 不是我要问的
feedback-reason-other = 其他
feedback-ask-text = 请用一句话告诉我们哪里不对（可以不填）。
feedback-text-too-long = 这段说明有 { $length } 个字，最多 { $max } 个字。请简短一些再发一次。
feedback-thanks-reason = 谢谢，我们会据此改进这条回答。还有其他问题，直接输入就可以。
feedback-thanks-not-what-i-asked = 谢谢，我们会据此改进这条回答。换个说法再问一次试试？
feedback-thanks-did-not-work = 谢谢，我们会据此改进这条回答。如果按步骤操作后仍然不行，可以请人工客服帮您，或者换个说法再问。
feedback-not-answered = 只能评价本对话中给出的回答。您可以继续提问。
# The terminal: a short line under an answer, and the prompt for the reason's text.
terminal-feedback-hint = （这个回答有帮助吗？输入 + 表示有用，- 表示没用）
terminal-feedback-prompt = 原因（直接回车跳过）：
# Issue 16, the first minute: the hot questions on request.
# The button after answers, suggestions and "I don't know" that shows the hot questions again.
hot-menu-button = 常见问题
# The start menu asked for while no category has a hot question (no pins, no traffic yet).
start-menu-empty = 常见问题暂时还没有整理好，请直接输入您的问题，我来帮您查找。
